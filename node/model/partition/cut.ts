// The cut measure: bytes that cross task boundaries (see index.ts for the definition).
import type { PartitionGraph, TaskPartition } from '../partition-graph.js';
import { indexGraph, TENSOR_WEIGHT } from './graph-index.js';

/** Distinct non-weight tensors the task reads but does not make, summed in bytes. */
export function taskInputBytes(graph: PartitionGraph, nodes: readonly number[]): number {
  const ix = indexGraph(graph);
  const inside = new Set(nodes);
  const seen = new Set<number>();
  let bytes = 0;
  for (const v of inside) {
    for (const t of ix.nodeReads[v]!) {
      if (seen.has(t) || ix.tensorKind[t] === TENSOR_WEIGHT || inside.has(ix.producer[t]!)) continue;
      seen.add(t);
      bytes += ix.tensorBytes[t]!;
    }
  }
  return bytes;
}

export function partitionCutBytes(graph: PartitionGraph, tasks: readonly TaskPartition[]): number {
  return tasks.reduce((sum, t) => sum + taskInputBytes(graph, t.nodes), 0);
}
