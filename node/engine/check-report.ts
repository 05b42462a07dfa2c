// The report of `splitup run --check`: split outputs against the unsplit model's, per output.
import type { Dim, DType, Tensor } from '../../storage/tensors/tensor.js';
import { compareTensors } from '../tensor/compare.js';

export interface OutputCheck {
  bitIdentical: boolean;
  /** Largest absolute difference; null when not comparable (see TensorComparison). */
  maxAbsDiff: number | null;
  dtype: DType;
  shape: Dim[];
  /** Set when the unsplit model's output has another dtype or shape. */
  wholeDtype?: DType;
  wholeShape?: number[];
}

export interface CheckReport {
  /** True when every model output is bit-identical to the unsplit model's. */
  bitIdentical: boolean;
  outputs: Record<string, OutputCheck>;
  /** Wall-clock ms of the split run (all tasks, including moving tensors between threads). */
  splitMs: number;
  /** Wall-clock ms of the unsplit model's run. */
  wholeMs: number;
}

export function buildCheckReport(
  split: Record<string, Tensor>,
  whole: Record<string, Tensor>,
  timings: { splitMs: number; wholeMs: number },
): CheckReport {
  const outputs: Record<string, OutputCheck> = {};
  for (const [name, s] of Object.entries(split)) {
    const w = whole[name];
    if (!w) {
      outputs[name] = { bitIdentical: false, maxAbsDiff: null, dtype: s.dtype, shape: s.shape };
      continue;
    }
    const cmp = compareTensors(s, w);
    const entry: OutputCheck = { ...cmp, dtype: s.dtype, shape: s.shape };
    if (w.dtype !== s.dtype) entry.wholeDtype = w.dtype;
    if (w.shape.join(',') !== s.shape.join(',')) entry.wholeShape = w.shape;
    outputs[name] = entry;
  }
  const bitIdentical = Object.values(outputs).every((o) => o.bitIdentical);
  return { bitIdentical, outputs, ...timings };
}
