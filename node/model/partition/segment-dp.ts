// Optimal segmentation of one topological order into contiguous tasks: the fewest tasks that
// each fit, then the fewest cut bytes. A contiguous run of a topological order is always convex
// (it is the difference of two prefixes, which are both ideals), so any segmentation is a valid
// acyclic partition. Exact for the given order; the caller tries several orders.
//
// segmentOrder, in O((n + edges) log n + candidate pairs · log n):
//  1. reach[i] (window.ts): order[i..e) fits iff e ≤ reach[i] (a segment's estimate only grows
//     with its end).
//  2. f[x] = fewest tasks covering order[0..x), g[x] = fewest covering order[x..n); T = f[n].
//     A cut position x lies on some T-task solution iff f[x] + g[x] = T, and then it is the
//     f[x]-th boundary of it.
//  3. Min-cut DP only over those positions, from layer k to layer k+1, with cut(x, y) read from
//     running bucket sums, or from a Fenwick tree when few ends lie far away (cut-buckets.ts).
// segmentOrderExhaustive is the plain DP over every (start, end) pair with an incremental sweep:
// O(n × nodes per task); kept as the reference the tests compare against.

import { makeCutQuery } from './cut-buckets.js';
import type { IndexedGraph } from './graph-index.js';
import type { RuntimeMargin } from './memory.js';
import { makeSweeper } from './sweep.js';
import { reaches } from './window.js';

export interface Segmentation {
  /** Boundaries b0=0 < b1 < … < bk = n into `order`: task j is order[b(j)..b(j+1)). */
  bounds: number[];
  tasks: number;
  cutBytes: number;
}

export function segmentOrderExhaustive(
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

/** Rough cost of one Fenwick cut query in units of one step of the bucket walk. */
const FENWICK_QUERY_COST = 16;

/** First index in the ascending array whose value is ≥ key. */
function lowerBound(sorted: readonly number[], key: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Minimum of a static-size array under point updates (for g's range-min). */
class MinTree {
  private readonly size: number;
  private readonly data: Float64Array;
  constructor(n: number) {
    let size = 1;
    while (size < n) size <<= 1;
    this.size = size;
    this.data = new Float64Array(2 * size).fill(Number.POSITIVE_INFINITY);
  }
  set(i: number, v: number): void {
    let k = i + this.size;
    this.data[k] = v;
    for (k >>= 1; k >= 1; k >>= 1) this.data[k] = Math.min(this.data[2 * k]!, this.data[2 * k + 1]!);
  }
  /** Min over [l, r] inclusive. */
  min(l: number, r: number): number {
    let res = Number.POSITIVE_INFINITY;
    for (let a = l + this.size, b = r + this.size + 1; a < b; a >>= 1, b >>= 1) {
      if (a & 1) res = Math.min(res, this.data[a++]!);
      if (b & 1) res = Math.min(res, this.data[--b]!);
    }
    return res;
  }
}

export function segmentOrder(
  ix: IndexedGraph,
  order: readonly number[],
  budget: number,
  margin: Readonly<RuntimeMargin>,
): Segmentation | null {
  const n = ix.nodeCount;
  const { forbidden } = makeSweeper(ix, order, margin);
  const reach = reaches(ix, order, budget, margin);
  const INF = Number.POSITIVE_INFINITY;
  // f: forward, f[j] = 1 + min f[i] over valid i < j with reach[i] ≥ j. Candidates live in a
  // bucket per task count; a start stays useful until j passes its reach.
  const f = new Float64Array(n + 1).fill(INF);
  f[0] = 0;
  const fTree = new MinTree(n + 1); // f[i] stored at i while i can still reach the current j
  const expire: number[][] = Array.from({ length: n + 2 }, () => []);
  for (let j = 0; j <= n; j++) {
    for (const i of expire[j]!) fTree.set(i, INF); // reach[i] < j from now on
    if (j > 0 && forbidden[j] === 0) f[j] = fTree.min(0, j - 1) + 1;
    if (j < n && f[j]! < INF && forbidden[j] === 0 && reach[j]! > j) {
      fTree.set(j, f[j]!);
      expire[reach[j]! + 1]!.push(j);
    }
  }
  const T = f[n]!;
  if (T === INF) return null;
  // g: backward, g[i] = 1 + min g[j] over valid j in (i, reach[i]].
  const g = new Float64Array(n + 1).fill(INF);
  g[n] = 0;
  const gTree = new MinTree(n + 1);
  gTree.set(n, 0);
  for (let i = n - 1; i >= 0; i--) {
    if (forbidden[i] === 1 || reach[i]! <= i) continue;
    g[i] = gTree.min(i + 1, reach[i]!) + 1;
    gTree.set(i, g[i]!);
  }
  const layers: number[][] = Array.from({ length: T + 1 }, () => []);
  for (let x = 0; x <= n; x++) if (f[x]! + g[x]! === T) layers[f[x]!]!.push(x);
  const layerOf = new Int32Array(n + 1).fill(-1);
  layers.forEach((layer, k) => {
    for (const x of layer) layerOf[x] = k;
  });
  const bestCut = new Float64Array(n + 1).fill(INF);
  const from = new Int32Array(n + 1).fill(-1);
  bestCut[0] = 0;
  const cuts = makeCutQuery(ix, order);
  for (let k = 0; k < T; k++) {
    const next = layers[k + 1]!;
    for (const x of layers[k]!) {
      const here = bestCut[x]!;
      if (here === INF) continue;
      cuts.advanceTo(x);
      // Candidate ends: next[a..b) are the ones in (x, reach[x]].
      const a = lowerBound(next, x + 1);
      const b = lowerBound(next, reach[x]! + 1);
      if (a >= b) continue;
      const last = next[b - 1]!;
      if ((b - a) * FENWICK_QUERY_COST < last - x) {
        for (let q = a; q < b; q++) {
          const y = next[q]!;
          const c = here + cuts.cutTo(y);
          if (c < bestCut[y]!) {
            bestCut[y] = c;
            from[y] = x;
          }
        }
      } else {
        const bucket = cuts.bucket;
        let sum = 0;
        for (let p = x; p < last; p++) {
          sum += bucket[p]!;
          const y = p + 1;
          if (layerOf[y] !== k + 1) continue;
          const c = here + sum;
          if (c < bestCut[y]!) {
            bestCut[y] = c;
            from[y] = x;
          }
        }
      }
    }
  }
  const bounds: number[] = [n];
  for (let e = n; e > 0; e = from[e]!) bounds.push(from[e]!);
  bounds.reverse();
  return { bounds, tasks: T, cutBytes: bestCut[n]! };
}
