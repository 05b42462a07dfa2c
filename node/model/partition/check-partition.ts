// Validates a partition against the partitioner's contract: every node in exactly one task, tasks
// listed in dependency order (so the task graph is acyclic), state groups kept together, every
// task within the target. For tests and hand-made partitions.
import { SplitUpError } from '../../errors.js';
import type { PartitionGraph, TaskPartition } from '../partition-graph.js';
import { PartitionErrorCode } from './errors.js';
import { indexGraph } from './graph-index.js';
import { estimateTaskMemory, RUNTIME_MARGIN, type RuntimeMargin } from './memory.js';

function bad(message: string, details: Record<string, unknown>): SplitUpError {
  return new SplitUpError(PartitionErrorCode.BAD_PLAN, message, details);
}

export function checkPartition(
  graph: PartitionGraph,
  tasks: readonly TaskPartition[],
  targetBytes: number,
  margin: Readonly<RuntimeMargin> = RUNTIME_MARGIN,
): void {
  const ix = indexGraph(graph);
  const owner = new Int32Array(ix.nodeCount).fill(-1);
  tasks.forEach((task, j) => {
    for (const v of task.nodes) {
      if (!(v >= 0 && v < ix.nodeCount))
        throw bad(`task ${j} lists node ${v}, which does not exist`, { task: j, node: v });
      if (owner[v] !== -1) throw bad(`node ${v} is in tasks ${owner[v]} and ${j}`, { task: j, node: v });
      owner[v] = j;
    }
  });
  const missing = owner.indexOf(-1);
  if (missing !== -1) throw bad(`node ${missing} is in no task`, { node: missing });
  for (let v = 0; v < ix.nodeCount; v++) {
    for (const u of ix.preds[v]!) {
      if (owner[u]! > owner[v]!) {
        throw bad(`task ${owner[v]} reads from the later task ${owner[u]} (node ${u} → ${v})`, {
          from: u,
          to: v,
        });
      }
    }
  }
  for (const g of ix.stateGroups) {
    if (g.nodes.some((v) => owner[v] !== owner[g.nodes[0]!])) {
      throw bad(`state binding ${g.bindings[0]!.input} is split across tasks`, { bindings: g.bindings });
    }
  }
  tasks.forEach((task, j) => {
    const mem = estimateTaskMemory(graph, task.nodes, margin);
    if (mem.totalBytes > targetBytes) {
      throw bad(`task ${j} needs ${mem.totalBytes} bytes, over the target ${targetBytes}`, {
        task: j,
        bytes: mem.totalBytes,
      });
    }
  });
}
