// cut(x, y) for segments of one order, with x non-decreasing: the bytes of distinct non-weight
// tensors made before x (or model inputs) that some node in order[x..y) reads. For the current x,
// bucket[p] holds the bytes of every such tensor whose first consumer at or after x sits at
// position p, so cut(x, y) = Σ bucket[x..y). Advancing x moves each tensor read at x on to its
// next consumer and adds the tensors made at x: O(degree · log n) per step (a Fenwick tree mirrors
// the buckets). Reading the cuts of all ends up to e costs O(e − x) plain additions; one end
// alone costs O(log n) (cutTo), which wins when few ends are wanted from a long span.
import assert from 'node:assert/strict';
import { type IndexedGraph, TENSOR_WEIGHT } from './graph-index.js';

export interface CutQuery {
  /** Moves the left end to x (x never decreases). */
  advanceTo(x: number): void;
  /** Calls visit(y, cut(x, y)) for y = x+1 … lastEnd. */
  cutsUpTo(lastEnd: number, visit: (end: number, cutBytes: number) => void): void;
  /** The buckets themselves, for callers that walk them inline: cut(x, y) = Σ bucket[x..y). */
  readonly bucket: Float64Array;
  /** cut(x, y) for one end y > x. */
  cutTo(end: number): number;
}

export function makeCutQuery(ix: IndexedGraph, order: readonly number[]): CutQuery {
  const n = ix.nodeCount;
  const m = ix.tensorNames.length;
  const pos = new Int32Array(n);
  for (let k = 0; k < n; k++) pos[order[k]!] = k;
  // Consumer positions of each tensor, ascending, in one flat array.
  const off = new Int32Array(m + 1);
  for (let t = 0; t < m; t++) off[t + 1] = off[t]! + ix.consumers[t]!.length;
  const cpos = new Int32Array(off[m]!);
  for (let t = 0; t < m; t++) {
    const list = Array.from(ix.consumers[t]!, (c) => pos[c]!).sort((a, b) => a - b);
    cpos.set(list, off[t]!);
  }
  const next = new Int32Array(m); // index into cpos of the first consumer ≥ x
  const bucket = new Float64Array(n);
  const fenwick = new Float64Array(n + 1);
  const add = (p: number, b: number) => {
    bucket[p]! += b;
    for (let i = p + 1; i <= n; i += i & -i) fenwick[i]! += b;
  };
  const prefix = (p: number) => {
    let sum = 0;
    for (let i = p; i > 0; i -= i & -i) sum += fenwick[i]!;
    return sum;
  };
  const enter = (t: number) => {
    next[t] = off[t]!;
    if (off[t + 1]! > off[t]!) add(cpos[off[t]!]!, ix.tensorBytes[t]!);
  };
  for (let t = 0; t < m; t++) {
    if (ix.tensorKind[t] !== TENSOR_WEIGHT && ix.producer[t]! < 0) enter(t);
  }
  let x = 0;
  return {
    bucket,
    advanceTo(target) {
      assert(target >= x, `cut query moved backwards (${x} → ${target})`);
      for (; x < target; x++) {
        const v = order[x]!;
        for (const t of ix.nodeReads[v]!) {
          if (ix.tensorKind[t] === TENSOR_WEIGHT) continue;
          const pp = ix.producer[t]!;
          if (pp >= 0 && pos[pp]! >= x) continue; // made at or after x: not counted yet
          const b = ix.tensorBytes[t]!;
          add(x, -b);
          const k = ++next[t]!;
          if (k < off[t + 1]!) add(cpos[k]!, b);
        }
        for (const t of ix.nodeWrites[v]!) enter(t);
      }
    },
    cutsUpTo(lastEnd, visit) {
      let sum = 0;
      for (let p = x; p < lastEnd; p++) {
        sum += bucket[p]!;
        visit(p + 1, sum);
      }
    },
    cutTo(end) {
      return prefix(end) - prefix(x);
    },
  };
}
