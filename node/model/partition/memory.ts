// Per-task device-memory estimate: what a peer must hold to run one task.
//
//   totalBytes = weightBytes + activationPeakBytes + stateBytes + marginBytes
//
// weightBytes          distinct weights the task's nodes read. A weight read by two tasks counts in
//                      both (each peer loads its own copy).
// stateBytes           state tensors the task keeps resident across steps: every state input it
//                      reads (e.g. past KV cache) and every state output it produces (present KV).
//                      Counted for the whole task, outside the activation sweep.
// activationPeakBytes  peak of live non-weight, non-state tensors while the task's nodes run one
//                      after another in ascending node index (a topological order):
//                        - task inputs (model inputs and tensors made by other tasks) are feeds the
//                          caller holds for the whole run: live from the first node to the last;
//                        - a tensor made inside the task is live from its producer on; it is freed
//                          after its last consumer if all its consumers are in the task and it is
//                          not a model output; otherwise it is a task output and lives to the end;
//                        - a tensor with no consumer (and not a model output) lives at its producer.
// marginBytes          RUNTIME_MARGIN.fixedBytes + ceil(RUNTIME_MARGIN.fraction × the sum above):
//                      runtime workspace, allocator arena rounding and kernel scratch. Tunable by
//                      measurement; pass `margin` to override.

import type { PartitionGraph } from '../partition-graph.js';
import { type IndexedGraph, indexGraph, TENSOR_WEIGHT } from './graph-index.js';

export interface RuntimeMargin {
  /** Fixed per-task overhead in bytes (session workspace, arena chunk). */
  fixedBytes: number;
  /** Proportional overhead on weights + activations + state (allocator rounding, scratch). */
  fraction: number;
}

/** Default runtime margin: 16 MiB per task plus 10 % of the estimated bytes. */
export const RUNTIME_MARGIN: Readonly<RuntimeMargin> = Object.freeze({
  fixedBytes: 16 * 1024 * 1024,
  fraction: 0.1,
});

/** No margin at all (tests and exact comparisons). */
export const NO_MARGIN: Readonly<RuntimeMargin> = Object.freeze({ fixedBytes: 0, fraction: 0 });

export interface TaskMemory {
  weightBytes: number;
  activationPeakBytes: number;
  stateBytes: number;
  marginBytes: number;
  totalBytes: number;
}

function marginFor(baseBytes: number, margin: Readonly<RuntimeMargin>): number {
  return margin.fixedBytes + Math.ceil(margin.fraction * baseBytes);
}

function memoryBreakdown(
  weightBytes: number,
  activationPeakBytes: number,
  stateBytes: number,
  margin: Readonly<RuntimeMargin>,
): TaskMemory {
  const base = weightBytes + activationPeakBytes + stateBytes;
  const marginBytes = marginFor(base, margin);
  return { weightBytes, activationPeakBytes, stateBytes, marginBytes, totalBytes: base + marginBytes };
}

/**
 * Estimates the memory of a task made of `nodeIndices` (any order, duplicates ignored; need not
 * be contiguous). See the header of this file for the exact rules.
 */
export function estimateTaskMemory(
  graph: PartitionGraph,
  nodeIndices: readonly number[],
  margin: Readonly<RuntimeMargin> = RUNTIME_MARGIN,
): TaskMemory {
  const { inputBytes: _, ...memory } = estimateIndexed(indexGraph(graph), nodeIndices, margin);
  return memory;
}

/** Reusable scratch per graph: generation stamps instead of fresh Maps and Sets per call. */
interface Scratch {
  generation: number;
  nodeStamp: Int32Array;
  position: Int32Array;
  tensorStamp: Int32Array;
}
const scratches = new WeakMap<IndexedGraph, Scratch>();

function scratchFor(ix: IndexedGraph): Scratch {
  let s = scratches.get(ix);
  if (!s) {
    s = {
      generation: 0,
      nodeStamp: new Int32Array(ix.nodeCount),
      position: new Int32Array(ix.nodeCount),
      tensorStamp: new Int32Array(ix.tensorNames.length),
    };
    scratches.set(ix, s);
  }
  s.generation++;
  return s;
}

/** Same as estimateTaskMemory, plus the task's cut-in bytes (distinct non-weight tensors it reads but does not make). */
export function estimateIndexed(
  ix: IndexedGraph,
  nodeIndices: readonly number[],
  margin: Readonly<RuntimeMargin>,
): TaskMemory & { inputBytes: number } {
  const s = scratchFor(ix);
  const gen = s.generation;
  const { nodeStamp, position, tensorStamp } = s;
  const order: number[] = [];
  for (const v of nodeIndices) {
    if (!Number.isInteger(v) || v < 0 || v >= ix.nodeCount)
      throw new RangeError(`node index ${v} out of range`);
    if (nodeStamp[v] === gen) continue;
    nodeStamp[v] = gen;
    order.push(v);
  }
  order.sort((a, b) => a - b);
  for (let k = 0; k < order.length; k++) position[order[k]!] = k;
  const inside = (v: number) => v >= 0 && nodeStamp[v] === gen;
  const last = order.length - 1;
  let weightBytes = 0;
  let stateBytes = 0;
  let inputBytes = 0; // every non-weight tensor read but not made here (the cut into this task)
  let feedBytes = 0; // the part of inputBytes live in the activation sweep (state inputs excluded)
  // Activation delta per position: +bytes at start, -bytes after the end of its live range.
  const delta = new Float64Array(order.length + 1);
  for (const v of order) {
    for (const t of ix.nodeReads[v]!) {
      if (tensorStamp[t] === gen) continue;
      const b = ix.tensorBytes[t]!;
      if (ix.tensorKind[t] === TENSOR_WEIGHT) {
        tensorStamp[t] = gen;
        weightBytes += b;
      } else if (!inside(ix.producer[t]!)) {
        tensorStamp[t] = gen;
        inputBytes += b;
        if (ix.stateRole[t] === 1) stateBytes += b;
        else feedBytes += b;
      }
    }
    for (const t of ix.nodeWrites[v]!) {
      tensorStamp[t] = gen;
      const b = ix.tensorBytes[t]!;
      if (ix.stateRole[t] === 2) {
        stateBytes += b;
        continue;
      }
      const start = position[v]!;
      let end = start;
      let output = ix.isModelOutput[t] === 1;
      for (const c of ix.consumers[t]!) {
        if (!inside(c)) output = true;
        else if (position[c]! > end) end = position[c]!;
      }
      if (output) end = last;
      delta[start]! += b;
      delta[end + 1]! -= b;
    }
  }
  let live = 0;
  let peak = 0;
  for (let k = 0; k <= last; k++) {
    live += delta[k]!;
    if (live > peak) peak = live;
  }
  return { ...memoryBreakdown(weightBytes, peak + feedBytes, stateBytes, margin), inputBytes };
}
