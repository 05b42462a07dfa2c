// Exact partition by dynamic programming over ideals (downward-closed node sets) of the DAG.
// Any acyclic partition into tasks can be listed as a chain of ideals ∅ = I0 ⊂ I1 ⊂ … ⊂ Ik = V
// with each task = I(j+1) \ I(j), and the difference of two nested ideals is always convex. So
//   best(J) = min over ideals I ⊂ J with J \ I fitting of best(I) + (1 task, cutBytes(J \ I))
// minimised lexicographically gives the optimum over all acyclic partitions. Ideals that split a
// state group are left out, which keeps every binding inside one task.
//
// The number of ideals grows like (n / width)^width, so this runs only while it stays under a cap
// (and the graph under DEFAULT_MAX_EXACT_NODES nodes); the caller falls back to segments beyond.
import { type IndexedGraph, TENSOR_WEIGHT } from './graph-index.js';
import { estimateIndexed, type RuntimeMargin } from './memory.js';

/** Most ideals the exact method enumerates before giving up. */
export const DEFAULT_MAX_EXACT_IDEALS = 1024;
/** Graphs with more nodes go straight to the segment method (enumeration cost ~ ideals × nodes). */
export const DEFAULT_MAX_EXACT_NODES = 64;
/**
 * Most candidate tasks (pairs of nested ideals passing the quick bound) the exact method
 * evaluates before giving up; bounds its running time to about a second on wide graphs.
 */
export const MAX_EXACT_EVALUATIONS = 30_000;

type Bits = Uint32Array;

function key(bits: Bits): string {
  return bits.join(',');
}

function has(bits: Bits, v: number): boolean {
  return ((bits[v >>> 5]! >>> (v & 31)) & 1) === 1;
}

/** All ideals by size (BFS adding one minimal node at a time), or null past the cap. */
function enumerateIdeals(ix: IndexedGraph, cap: number): Bits[] | null {
  const n = ix.nodeCount;
  const words = (n + 31) >>> 5;
  let layer: Bits[] = [new Uint32Array(words)];
  const all: Bits[] = [...layer];
  for (let size = 0; size < n; size++) {
    const next = new Map<string, Bits>();
    for (const ideal of layer) {
      for (let v = 0; v < n; v++) {
        if (has(ideal, v)) continue;
        if (!ix.preds[v]!.every((u) => has(ideal, u))) continue;
        const grown = ideal.slice();
        grown[v >>> 5]! |= 1 << (v & 31);
        next.set(key(grown), grown);
        if (all.length + next.size > cap) return null;
      }
    }
    layer = [...next.values()];
    all.push(...layer);
  }
  return all;
}

function splitsStateGroup(ix: IndexedGraph, ideal: Bits): boolean {
  return ix.stateGroups.some((g) => {
    const first = has(ideal, g.nodes[0]!);
    return g.nodes.some((v) => has(ideal, v) !== first);
  });
}

/**
 * Returns the optimal tasks (node lists, in chain order), null when no partition fits, or
 * 'too-wide' when the graph exceeds the enumeration caps.
 */
export function exactPartition(
  ix: IndexedGraph,
  budget: number,
  margin: Readonly<RuntimeMargin>,
  maxIdeals: number = DEFAULT_MAX_EXACT_IDEALS,
  maxNodes: number = DEFAULT_MAX_EXACT_NODES,
  maxEvaluations: number = MAX_EXACT_EVALUATIONS,
): number[][] | null | 'too-wide' {
  const n = ix.nodeCount;
  if (n > maxNodes) return 'too-wide';
  const ideals = enumerateIdeals(ix, maxIdeals);
  if (ideals === null) return 'too-wide';
  const valid = ideals.filter((b) => !splitsStateGroup(ix, b));
  const id = new Map<string, number>(valid.map((b, k) => [key(b), k]));
  const bestTasks = new Float64Array(valid.length).fill(Number.POSITIVE_INFINITY);
  const bestCut = new Float64Array(valid.length).fill(Number.POSITIVE_INFINITY);
  const from = new Int32Array(valid.length).fill(-1);
  bestTasks[0] = 0;
  bestCut[0] = 0;
  // Monotone lower bound used to prune the superset search: weights of the set plus the largest
  // single-node activation footprint (all of a node's non-weight, non-state reads and writes are
  // live while it runs).
  const soloAct = new Float64Array(n);
  for (let v = 0; v < n; v++) {
    let s = 0;
    for (const t of ix.nodeReads[v]!)
      if (ix.tensorKind[t] !== TENSOR_WEIGHT && ix.stateRole[t] === 0) s += ix.tensorBytes[t]!;
    for (const t of ix.nodeWrites[v]!) if (ix.stateRole[t] === 0) s += ix.tensorBytes[t]!;
    soloAct[v] = s;
  }
  const weightRefs = new Int32Array(ix.tensorNames.length);
  const fits = (base: number) => base + margin.fixedBytes + Math.ceil(margin.fraction * base) <= budget;
  let evaluations = 0;

  for (let src = 0; src < valid.length; src++) {
    if (bestTasks[src] === Number.POSITIVE_INFINITY) continue;
    const base = valid[src]!;
    const grown = base.slice();
    const chosen: number[] = [];
    let weights = 0;
    let maxAct = 0;
    // Include/exclude each node in index order; a node may join only if all its predecessors are
    // in the grown ideal, so every superset ideal is visited exactly once.
    const visit = (v: number): void => {
      if (evaluations > maxEvaluations) return; // over the work cap: unwind
      if (v === n) {
        if (chosen.length === 0) return;
        const dst = id.get(key(grown));
        if (dst === undefined) return; // splits a state group
        evaluations++;
        const mem = estimateIndexed(ix, chosen, margin);
        if (mem.totalBytes > budget) return;
        const t = bestTasks[src]! + 1;
        const c = bestCut[src]! + mem.inputBytes;
        if (t < bestTasks[dst]! || (t === bestTasks[dst]! && c < bestCut[dst]!)) {
          bestTasks[dst] = t;
          bestCut[dst] = c;
          from[dst] = src;
        }
        return;
      }
      if (has(base, v)) {
        visit(v + 1);
        return;
      }
      if (ix.preds[v]!.every((u) => has(grown, u))) {
        let added = 0;
        for (const t of ix.nodeReads[v]!) {
          if (ix.tensorKind[t] === TENSOR_WEIGHT && weightRefs[t]!++ === 0) added += ix.tensorBytes[t]!;
        }
        const prevMax = maxAct;
        weights += added;
        maxAct = Math.max(maxAct, soloAct[v]!);
        if (fits(weights + maxAct)) {
          grown[v >>> 5]! |= 1 << (v & 31);
          chosen.push(v);
          visit(v + 1);
          chosen.pop();
          grown[v >>> 5]! &= ~(1 << (v & 31));
        }
        weights -= added;
        maxAct = prevMax;
        for (const t of ix.nodeReads[v]!) if (ix.tensorKind[t] === TENSOR_WEIGHT) weightRefs[t]!--;
      }
      visit(v + 1);
    };
    visit(0);
    if (evaluations > maxEvaluations) return 'too-wide';
  }
  const full = valid.length - 1; // the last ideal found is V itself (enumeration is by size)
  if (bestTasks[full] === Number.POSITIVE_INFINITY) return null;
  const tasks: number[][] = [];
  for (let dst = full; dst > 0; dst = from[dst]!) {
    const src = from[dst]!;
    const nodes: number[] = [];
    for (let v = 0; v < n; v++) if (has(valid[dst]!, v) && !has(valid[src]!, v)) nodes.push(v);
    tasks.push(nodes);
  }
  return tasks.reverse();
}
