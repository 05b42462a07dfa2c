// Sliding-window memory estimate over one topological order: the same numbers as memory.ts for
// the contiguous segment order[lo..hi), with O(degree + log n) updates when the window gains a
// node on the right or loses one at either end. Used to find, for every start, the longest
// segment that fits (`reach`) in about O((n + edges) log n) instead of one sweep per start.
//
// Why intervals: a tensor made inside the window at position p is live on [p, lastPos] (lastPos =
// its last consumer in the order, or the order's end for a model output). Clipped to the window
// this is exactly memory.ts's rule (freed after its last consumer if that is inside, else alive to
// the task's end), so each tensor adds a fixed interval to a range-add / range-max tree.
import { type IndexedGraph, TENSOR_WEIGHT } from './graph-index.js';
import type { RuntimeMargin } from './memory.js';

/**
 * Range add, range max over positions 0..n-1: a bottom-up segment tree where t[i] is the max of
 * i's subtree including the pending adds d[] of i and below (no recursion in the hot loop).
 */
class MaxTree {
  private readonly size: number;
  private readonly height: number;
  private readonly t: Float64Array;
  private readonly d: Float64Array;
  constructor(n: number) {
    let size = 1;
    let height = 0;
    while (size < n) {
      size <<= 1;
      height++;
    }
    this.size = size;
    this.height = height;
    this.t = new Float64Array(2 * size);
    this.d = new Float64Array(size);
  }
  private apply(p: number, v: number): void {
    this.t[p]! += v;
    if (p < this.size) this.d[p]! += v;
  }
  private rebuild(p: number): void {
    const { t, d } = this;
    for (p >>= 1; p >= 1; p >>= 1) t[p] = Math.max(t[2 * p]!, t[2 * p + 1]!) + d[p]!;
  }
  private push(p: number): void {
    const d = this.d;
    for (let s = this.height; s > 0; s--) {
      const i = p >> s;
      if (d[i] !== 0) {
        this.apply(2 * i, d[i]!);
        this.apply(2 * i + 1, d[i]!);
        d[i] = 0;
      }
    }
  }
  /** Adds v on positions l..r inclusive. */
  update(l: number, r: number, v: number): void {
    let a = l + this.size;
    let b = r + 1 + this.size;
    const a0 = a;
    const b0 = b - 1;
    for (; a < b; a >>= 1, b >>= 1) {
      if (a & 1) this.apply(a++, v);
      if (b & 1) this.apply(--b, v);
    }
    this.rebuild(a0);
    this.rebuild(b0);
  }
  /** Max over positions l..r inclusive. */
  query(l: number, r: number): number {
    let a = l + this.size;
    let b = r + 1 + this.size;
    this.push(a);
    this.push(b - 1);
    let res = Number.NEGATIVE_INFINITY;
    const t = this.t;
    for (; a < b; a >>= 1, b >>= 1) {
      if (a & 1) res = Math.max(res, t[a++]!);
      if (b & 1) res = Math.max(res, t[--b]!);
    }
    return res;
  }
}

export interface SegmentWindow {
  lo: number;
  hi: number;
  pushRight(): void;
  popRight(): void;
  popLeft(): void;
  /** TaskMemory.totalBytes of order[lo..hi) (0 for an empty window). */
  total(): number;
}

export function makeWindow(
  ix: IndexedGraph,
  order: readonly number[],
  margin: Readonly<RuntimeMargin>,
): SegmentWindow {
  const n = ix.nodeCount;
  const m = ix.tensorNames.length;
  const pos = new Int32Array(n);
  for (let k = 0; k < n; k++) pos[order[k]!] = k;
  const prodPos = new Int32Array(m).fill(-1);
  const liveEnd = new Int32Array(m); // last position of the live interval of a produced tensor
  for (let t = 0; t < m; t++) {
    const p = ix.producer[t]!;
    if (p < 0) continue;
    prodPos[t] = pos[p]!;
    let last = pos[p]!;
    for (const c of ix.consumers[t]!) if (pos[c]! > last) last = pos[c]!;
    liveEnd[t] = ix.isModelOutput[t] === 1 ? n - 1 : last;
  }
  const cls = new Uint8Array(m); // 0 weight, 1 state input, 2 state output, 3 other
  for (let t = 0; t < m; t++) {
    cls[t] =
      ix.tensorKind[t] === TENSOR_WEIGHT ? 0 : ix.stateRole[t] === 1 ? 1 : ix.stateRole[t] === 2 ? 2 : 3;
  }
  const { tensorBytes, readOff, readIdx, writeOff, writeIdx } = ix;
  const readers = new Int32Array(m); // readers inside the window
  const tree = new MaxTree(n);
  let weights = 0;
  let state = 0;
  let feeds = 0;
  const w: SegmentWindow = {
    lo: 0,
    hi: 0,
    pushRight() {
      const k = w.hi++;
      const v = order[k]!;
      for (let r = readOff[v]!, e = readOff[v + 1]!; r < e; r++) {
        const t = readIdx[r]!;
        const b = tensorBytes[t]!;
        if (readers[t]!++ !== 0) continue;
        const c = cls[t]!;
        if (c === 0) weights += b;
        else if (c === 1) state += b;
        else if (prodPos[t]! < w.lo) feeds += b;
      }
      for (let x = writeOff[v]!, e = writeOff[v + 1]!; x < e; x++) {
        const t = writeIdx[x]!;
        if (cls[t] === 2) state += tensorBytes[t]!;
        else tree.update(k, liveEnd[t]!, tensorBytes[t]!);
      }
    },
    popRight() {
      const k = --w.hi;
      const v = order[k]!;
      for (let x = writeOff[v]!, e = writeOff[v + 1]!; x < e; x++) {
        const t = writeIdx[x]!;
        if (cls[t] === 2) state -= tensorBytes[t]!;
        else tree.update(k, liveEnd[t]!, -tensorBytes[t]!);
      }
      for (let r = readOff[v]!, e = readOff[v + 1]!; r < e; r++) {
        const t = readIdx[r]!;
        const b = tensorBytes[t]!;
        if (--readers[t]! !== 0) continue;
        const c = cls[t]!;
        if (c === 0) weights -= b;
        else if (c === 1) state -= b;
        else if (prodPos[t]! < w.lo) feeds -= b;
      }
    },
    popLeft() {
      const k = w.lo++;
      const v = order[k]!;
      for (let r = readOff[v]!, e = readOff[v + 1]!; r < e; r++) {
        const t = readIdx[r]!;
        const b = tensorBytes[t]!;
        if (--readers[t]! !== 0) continue;
        const c = cls[t]!;
        if (c === 0) weights -= b;
        else if (c === 1) state -= b;
        else if (prodPos[t]! < k) feeds -= b;
      }
      // What node k made is now made outside: a feed if the window still reads it.
      for (let x = writeOff[v]!, e = writeOff[v + 1]!; x < e; x++) {
        const t = writeIdx[x]!;
        const b = tensorBytes[t]!;
        if (cls[t] === 2) state -= b;
        else tree.update(k, liveEnd[t]!, -b);
        if (readers[t]! > 0) feeds += b;
      }
    },
    total() {
      if (w.hi <= w.lo) return 0;
      const base = weights + state + feeds + Math.max(0, tree.query(w.lo, w.hi - 1));
      return base + margin.fixedBytes + Math.ceil(margin.fraction * base);
    },
  };
  return w;
}

/**
 * reach[i] = the largest end such that order[i..end) fits the budget (i when even order[i] alone
 * does not). Segments are monotone in their end, so [i, e) fits exactly when e ≤ reach[i].
 */
export function reaches(
  ix: IndexedGraph,
  order: readonly number[],
  budget: number,
  margin: Readonly<RuntimeMargin>,
): Int32Array {
  const n = ix.nodeCount;
  const w = makeWindow(ix, order, margin);
  const reach = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    // Invariant: w.lo === i. Dropping the left node can make the window larger (its outputs
    // become feeds that live through the whole task), so shrink from the right first.
    while (w.hi > i && w.total() > budget) w.popRight();
    while (w.hi < n) {
      w.pushRight();
      if (w.total() > budget) {
        w.popRight();
        break;
      }
    }
    reach[i] = w.hi;
    if (w.hi > i) w.popLeft();
    else {
      w.lo = i + 1; // empty window: nothing to undo
      w.hi = i + 1;
    }
  }
  return reach;
}
