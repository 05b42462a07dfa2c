// Incremental memory sweep over contiguous segments of one topological order. From a start
// position it grows the segment one node at a time, keeping the estimate of memory.ts up to date:
// weights, state and feeds only grow, tensors made inside open at their producer and close after
// their last consumer (in the order), so the running activation peak only grows too. Hence the
// segment total is non-decreasing in its end, and the sweep stops at the first one over budget.
import { type IndexedGraph, TENSOR_WEIGHT } from './graph-index.js';
import type { RuntimeMargin } from './memory.js';

export interface Sweeper {
  readonly order: readonly number[];
  /** forbidden[c] = 1 when a cut before position c would split a state group. */
  readonly forbidden: Uint8Array;
  /**
   * Calls visit(end, cutBytes, totalBytes) for every segment order[start..end) that fits the
   * budget, end ascending, stopping at the first that does not (or after end = stopAt).
   */
  sweep(
    start: number,
    budget: number,
    visit: (end: number, cutBytes: number, totalBytes: number) => void,
    stopAt?: number,
  ): void;
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

export function makeSweeper(
  ix: IndexedGraph,
  order: readonly number[],
  margin: Readonly<RuntimeMargin>,
): Sweeper {
  const n = ix.nodeCount;
  const pos = new Int32Array(n);
  for (let k = 0; k < n; k++) pos[order[k]!] = k;
  const m = ix.tensorNames.length;
  // Producer position of each tensor (-1: model input or weight). dieAt lists, per position, the
  // activations freed after the node there (last consumer, or the producer if never read).
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
  // Per-tensor class for the hot loop: 0 weight, 1 state input, 2 state output, 3 other.
  const cls = new Uint8Array(m);
  for (let t = 0; t < m; t++) {
    cls[t] =
      ix.tensorKind[t] === TENSOR_WEIGHT ? 0 : ix.stateRole[t] === 1 ? 1 : ix.stateRole[t] === 2 ? 2 : 3;
  }
  const forbidden = forbiddenCuts(ix, pos);
  const stamp = new Int32Array(m).fill(-1);
  const { tensorBytes, readOff, readIdx, writeOff, writeIdx } = ix;
  const fixed = margin.fixedBytes;
  const fraction = margin.fraction;

  const sweep: Sweeper['sweep'] = (start, budget, visit, stopAt = n) => {
    let weights = 0;
    let state = 0;
    let feeds = 0;
    let cut = 0;
    let open = 0;
    let peakOpen = 0;
    for (let k = start; k < stopAt; k++) {
      const v = order[k]!;
      for (let r = readOff[v]!, end = readOff[v + 1]!; r < end; r++) {
        const t = readIdx[r]!;
        if (stamp[t] === start || prodPos[t]! >= start) continue; // seen, or made inside
        stamp[t] = start;
        const b = tensorBytes[t]!;
        const c = cls[t]!;
        if (c === 0) weights += b;
        else {
          cut += b;
          if (c === 1) state += b;
          else feeds += b;
        }
      }
      for (let w = writeOff[v]!, end = writeOff[v + 1]!; w < end; w++) {
        const t = writeIdx[w]!;
        if (cls[t] === 2) state += tensorBytes[t]!;
        else open += tensorBytes[t]!;
      }
      if (open > peakOpen) peakOpen = open;
      for (let t = dieHead[k]!; t !== -1; t = dieNext[t]!) {
        if (prodPos[t]! >= start) open -= tensorBytes[t]!;
      }
      const base = weights + state + feeds + peakOpen;
      const total = base + fixed + Math.ceil(fraction * base);
      if (total > budget) return;
      visit(k + 1, cut, total);
    }
  };
  return { order, forbidden, sweep };
}
