// Optimal segmentation of one topological order into contiguous tasks: the fewest tasks that
// each fit, then the fewest cut bytes. A contiguous run of a topological order is always convex
// (it is the difference of two prefixes, which are both ideals), so any segmentation is a valid
// acyclic partition. Exact for the given order; the caller tries several orders.
// Cost: O(Σ over starts of the reach of the sweep × node degree), about n × (nodes per task).
import type { IndexedGraph } from './graph-index.js';
import type { RuntimeMargin } from './memory.js';
import { makeSweeper } from './sweep.js';

export interface Segmentation {
  /** Boundaries b0=0 < b1 < … < bk = n into `order`: task j is order[b(j)..b(j+1)). */
  bounds: number[];
  tasks: number;
  cutBytes: number;
}

export function segmentOrder(
  ix: IndexedGraph,
  order: readonly number[],
  budget: number,
  margin: Readonly<RuntimeMargin>,
): Segmentation | null {
  const n = ix.nodeCount;
  const { forbidden, sweep } = makeSweeper(ix, order, margin);
  const bestTasks = new Float64Array(n + 1).fill(Number.POSITIVE_INFINITY);
  const bestCut = new Float64Array(n + 1).fill(Number.POSITIVE_INFINITY);
  const from = new Int32Array(n + 1).fill(-1);
  bestTasks[0] = 0;
  bestCut[0] = 0;
  for (let i = 0; i < n; i++) {
    if (bestTasks[i] === Number.POSITIVE_INFINITY || forbidden[i] === 1) continue;
    const tasks = bestTasks[i]! + 1;
    const baseCut = bestCut[i]!;
    sweep(i, budget, (end, cut) => {
      if (forbidden[end] === 1) return;
      const c = baseCut + cut;
      if (tasks < bestTasks[end]! || (tasks === bestTasks[end]! && c < bestCut[end]!)) {
        bestTasks[end] = tasks;
        bestCut[end] = c;
        from[end] = i;
      }
    });
  }
  if (bestTasks[n] === Number.POSITIVE_INFINITY) return null;
  const bounds: number[] = [n];
  for (let e = n; e > 0; e = from[e]!) bounds.push(from[e]!);
  bounds.reverse();
  return { bounds, tasks: bestTasks[n]!, cutBytes: bestCut[n]! };
}

/**
 * First-fit greedy over the same order (the baseline the bench compares with): each task takes
 * the longest run from where the previous one ended that still fits.
 */
export function greedySegments(
  ix: IndexedGraph,
  order: readonly number[],
  budget: number,
  margin: Readonly<RuntimeMargin>,
): Segmentation | null {
  const n = ix.nodeCount;
  const { forbidden, sweep } = makeSweeper(ix, order, margin);
  const bounds = [0];
  let cutBytes = 0;
  for (let i = 0; i < n; ) {
    let reach = -1;
    let reachCut = 0;
    sweep(i, budget, (end, cut) => {
      if (forbidden[end] === 0) {
        reach = end;
        reachCut = cut;
      }
    });
    if (reach < 0) return null;
    bounds.push(reach);
    cutBytes += reachCut;
    i = reach;
  }
  return { bounds, tasks: bounds.length - 1, cutBytes };
}
