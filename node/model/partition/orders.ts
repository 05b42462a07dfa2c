// Candidate topological orders for the segment DP. The graph's own order is one; a depth-first
// order (always continue with a successor of the node just placed when one is ready) keeps each
// branch of a DAG contiguous, so a branch can become its own task.
import type { IndexedGraph } from './graph-index.js';

export function identityOrder(ix: IndexedGraph): number[] {
  return Array.from({ length: ix.nodeCount }, (_, v) => v);
}

/** Kahn's algorithm with a LIFO ready set: the most recently enabled node runs next. */
export function branchFirstOrder(ix: IndexedGraph): number[] {
  const n = ix.nodeCount;
  const missing = new Int32Array(n);
  const stack: number[] = [];
  for (let v = n - 1; v >= 0; v--) {
    missing[v] = ix.preds[v]!.length;
    if (missing[v] === 0) stack.push(v);
  }
  const order: number[] = [];
  while (stack.length > 0) {
    const v = stack.pop()!;
    order.push(v);
    const succ = ix.succs[v]!;
    for (let k = succ.length - 1; k >= 0; k--) {
      const w = succ[k]!;
      if (--missing[w]! === 0) stack.push(w);
    }
  }
  return order;
}

/** True when the two orders are the same sequence. */
export function sameOrder(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((v, k) => v === b[k]);
}

/** branchFirstOrder of the reversed graph, reversed: each node as late as its consumers allow. */
export function sinkFirstOrder(ix: IndexedGraph): number[] {
  const n = ix.nodeCount;
  const missing = new Int32Array(n);
  const stack: number[] = [];
  for (let v = 0; v < n; v++) {
    missing[v] = ix.succs[v]!.length;
    if (missing[v] === 0) stack.push(v);
  }
  const order: number[] = [];
  while (stack.length > 0) {
    const v = stack.pop()!;
    order.push(v);
    const pred = ix.preds[v]!;
    for (let k = 0; k < pred.length; k++) {
      const u = pred[k]!;
      if (--missing[u]! === 0) stack.push(u);
    }
  }
  return order.reverse();
}
