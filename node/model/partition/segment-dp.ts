// Optimal segmentation of one topological order into contiguous tasks: the fewest tasks that
// each fit, then the fewest cut bytes. A contiguous run of a topological order is always convex
// (it is the difference of two prefixes, which are both ideals), so any segmentation is a valid
// acyclic partition. Exact for the given order; the caller tries several orders.
//
// Cost: for each start i the sweep extends the segment one node at a time, updating the memory
// estimate incrementally (weights, state, feeds and the running activation peak only grow as the
// segment grows, so the sweep stops at the first segment that does not fit). Total work is
// O(Σ segment reach × node degree), about n × (nodes per task) steps.
import { type IndexedGraph, TENSOR_WEIGHT } from './graph-index.js';
import { marginFor, type RuntimeMargin } from './memory.js';

export interface Segmentation {
  /** Boundaries b0=0 < b1 < … < bk = n into `order`: task j is order[b(j)..b(j+1)). */
  bounds: number[];
  tasks: number;
  cutBytes: number;
}

/** Positions c where a cut between order[c-1] and order[c] would split a state group. */
function forbiddenCuts(ix: IndexedGraph, pos: Int32Array): Uint8Array {
  const n = ix.nodeCount;
  const diff = new Int32Array(n + 2);
  for (const g of ix.stateGroups) {
    let lo = n;
    let hi = -1;
    for (const v of g.nodes) {
      const p = pos[v]!;
      if (p < lo) lo = p;
      if (p > hi) hi = p;
    }
    if (hi > lo) {
      diff[lo + 1]!++;
      diff[hi + 1]!--;
    }
  }
  const out = new Uint8Array(n + 1);
  let run = 0;
  for (let c = 0; c <= n; c++) {
    run += diff[c]!;
    out[c] = run > 0 ? 1 : 0;
  }
  return out;
}

export function segmentOrder(
  ix: IndexedGraph,
  order: readonly number[],
  budget: number,
  margin: Readonly<RuntimeMargin>,
): Segmentation | null {
  const n = ix.nodeCount;
  const pos = new Int32Array(n);
  order.forEach((v, k) => {
    pos[v] = k;
  });
  const m = ix.tensorNames.length;
  // Position of each activation's producer and last consumer in this order; dieAt lists the
  // tensors that are freed after the node at a position (last consumer, or producer if unread).
  const prodPos = new Int32Array(m).fill(-1);
  const dieHead = new Int32Array(n).fill(-1);
  const dieNext = new Int32Array(m).fill(-1);
  for (let t = 0; t < m; t++) {
    const p = ix.producer[t]!;
    if (p < 0) continue;
    prodPos[t] = pos[p]!;
    if (ix.isModelOutput[t] === 1 || ix.stateRole[t] === 2) continue;
    let lastPos = pos[p]!;
    for (const c of ix.consumers[t]!) if (pos[c]! > lastPos) lastPos = pos[c]!;
    dieNext[t] = dieHead[lastPos]!;
    dieHead[lastPos] = t;
  }
  const forbidden = forbiddenCuts(ix, pos);
  const bestTasks = new Float64Array(n + 1).fill(Number.POSITIVE_INFINITY);
  const bestCut = new Float64Array(n + 1).fill(Number.POSITIVE_INFINITY);
  const from = new Int32Array(n + 1).fill(-1);
  bestTasks[0] = 0;
  bestCut[0] = 0;
  const stamp = new Int32Array(m).fill(-1);
  const { tensorBytes, tensorKind, stateRole, nodeReads, nodeWrites } = ix;
  for (let i = 0; i < n; i++) {
    if (bestTasks[i] === Number.POSITIVE_INFINITY || forbidden[i] === 1) continue;
    const baseTasks = bestTasks[i]! + 1;
    const baseCut = bestCut[i]!;
    let weights = 0;
    let state = 0;
    let feeds = 0;
    let cut = 0;
    let open = 0;
    let peakOpen = 0;
    for (let k = i; k < n; k++) {
      const v = order[k]!;
      for (const t of nodeReads[v]!) {
        if (stamp[t] === i) continue;
        const pp = prodPos[t]!;
        if (pp >= i) continue; // made inside this segment: counted when written
        stamp[t] = i;
        const b = tensorBytes[t]!;
        if (tensorKind[t] === TENSOR_WEIGHT) weights += b;
        else {
          cut += b;
          if (stateRole[t] === 1) state += b;
          else feeds += b;
        }
      }
      for (const t of nodeWrites[v]!) {
        const b = tensorBytes[t]!;
        if (stateRole[t] === 2) state += b;
        else open += b;
      }
      if (open > peakOpen) peakOpen = open;
      for (let t = dieHead[k]!; t !== -1; t = dieNext[t]!) {
        if (prodPos[t]! >= i) open -= tensorBytes[t]!;
      }
      const base = weights + state + feeds + peakOpen;
      if (base + marginFor(base, margin) > budget) break; // every longer segment is larger still
      const end = k + 1;
      if (forbidden[end] === 1) continue;
      const c = baseCut + cut;
      if (baseTasks < bestTasks[end]! || (baseTasks === bestTasks[end]! && c < bestCut[end]!)) {
        bestTasks[end] = baseTasks;
        bestCut[end] = c;
        from[end] = i;
      }
    }
  }
  if (bestTasks[n] === Number.POSITIVE_INFINITY) return null;
  const bounds: number[] = [n];
  for (let e = n; e > 0; e = from[e]!) bounds.push(from[e]!);
  bounds.reverse();
  return { bounds, tasks: bestTasks[n]!, cutBytes: bestCut[n]! };
}
