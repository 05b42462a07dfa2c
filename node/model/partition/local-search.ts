// Polishes a partition from the segment method by moving single nodes between tasks. A partition
// is kept as a chain of tasks (every edge goes from a task to itself or a later one); node v may move to
// task j when all its predecessors sit in tasks ≤ j and all its successors in tasks ≥ j, which
// keeps the chain, hence the task graph acyclic. A move is taken when the target task still fits
// and the partition gets lexicographically better: a task emptied (one task fewer) or fewer cut
// bytes. Nodes tied by state bindings stay where they are. Runs a few passes over all nodes.
import type { IndexedGraph } from './graph-index.js';
import { estimateIndexed, type RuntimeMargin } from './memory.js';

/** Graphs with more nodes skip the polish (each move re-estimates two tasks from scratch). */
export const LOCAL_SEARCH_MAX_NODES = 3000;
/** Passes over all nodes; each pass is O(n × task size). */
const LOCAL_SEARCH_PASSES = 4;
/**
 * Work cap in node visits of the from-scratch estimates (deterministic, unlike a time limit):
 * well under a second of polishing unloaded; the partition found so far is kept when it runs out.
 */
export const LOCAL_SEARCH_MAX_WORK = 1_000_000;
/** When a node could go to more tasks than this, only the nearest candidates are tried. */
const MAX_TARGETS_PER_NODE = 8;

export function polishPartition(
  ix: IndexedGraph,
  tasksIn: readonly number[][],
  budget: number,
  margin: Readonly<RuntimeMargin>,
): number[][] {
  const tasks = tasksIn.map((t) => new Set(t));
  const owner = new Int32Array(ix.nodeCount);
  tasks.forEach((t, j) => {
    for (const v of t) owner[v] = j;
  });
  const pinned = new Uint8Array(ix.nodeCount);
  for (const g of ix.stateGroups) for (const v of g.nodes) pinned[v] = 1;
  const inputBytes = tasks.map((t) => estimateIndexed(ix, [...t], margin).inputBytes);
  let work = 0;
  for (let pass = 0; pass < LOCAL_SEARCH_PASSES && work < LOCAL_SEARCH_MAX_WORK; pass++) {
    let improved = false;
    for (let v = 0; v < ix.nodeCount && work < LOCAL_SEARCH_MAX_WORK; v++) {
      if (pinned[v] === 1) continue;
      const i = owner[v]!;
      let lo = 0;
      let hi = tasks.length - 1;
      for (const u of ix.preds[v]!) lo = Math.max(lo, owner[u]!);
      for (const w of ix.succs[v]!) hi = Math.min(hi, owner[w]!);
      if (lo === hi && lo === i) continue;
      let targets: number[] = [];
      for (let j = lo; j <= hi; j++) if (j !== i && tasks[j]!.size > 0) targets.push(j);
      if (targets.length > MAX_TARGETS_PER_NODE) {
        targets = targets.sort((a, b) => Math.abs(a - i) - Math.abs(b - i)).slice(0, MAX_TARGETS_PER_NODE);
      }
      if (targets.length === 0) continue;
      const rest = [...tasks[i]!].filter((x) => x !== v);
      work += rest.length;
      const restMemory = rest.length > 0 ? estimateIndexed(ix, rest, margin) : null;
      // Taking a node out can enlarge what is left (its outputs become feeds that live throughout).
      if (restMemory && restMemory.totalBytes > budget) continue;
      const restInput = restMemory ? restMemory.inputBytes : 0;
      let best: { j: number; gain: number; input: number } | null = null;
      for (const j of targets) {
        work += tasks[j]!.size + 1;
        const grown = estimateIndexed(ix, [...tasks[j]!, v], margin);
        if (grown.totalBytes > budget) continue;
        // Emptying a task beats any cut gain; otherwise the cut must drop.
        const gain =
          (rest.length === 0 ? Number.MAX_SAFE_INTEGER : 0) +
          inputBytes[i]! +
          inputBytes[j]! -
          restInput -
          grown.inputBytes;
        if (gain > 0 && (!best || gain > best.gain)) best = { j, gain, input: grown.inputBytes };
      }
      if (!best) continue;
      tasks[i]!.delete(v);
      tasks[best.j]!.add(v);
      owner[v] = best.j;
      inputBytes[i] = restInput;
      inputBytes[best.j] = best.input;
      improved = true;
    }
    if (!improved) break;
  }
  return tasks.filter((t) => t.size > 0).map((t) => [...t].sort((a, b) => a - b));
}
