// NumPy dtype descriptors <-> SplitUp dtypes. We always write little-endian; we read either order.
import type { DType } from '../../storage/tensors/tensor.js';

/** Descriptor we write for each dtype. numpy has no bfloat16: ml_dtypes saves it as a 2-byte void ('<V2'). */
export const NPY_DESCR_OF: Readonly<Record<DType, string>> = {
  float32: '<f4',
  float16: '<f2',
  bfloat16: '<V2',
  float64: '<f8',
  int8: '|i1',
  uint8: '|u1',
  int16: '<i2',
  uint16: '<u2',
  int32: '<i4',
  uint32: '<u4',
  int64: '<i8',
  uint64: '<u8',
  bool: '|b1',
};

/** Type code + item size (the descriptor without its byte-order character) -> dtype. */
const DTYPE_OF_CODE: ReadonlyMap<string, DType> = new Map<string, DType>([
  ['f4', 'float32'],
  ['f2', 'float16'],
  ['V2', 'bfloat16'],
  ['f8', 'float64'],
  ['i1', 'int8'],
  ['u1', 'uint8'],
  ['i2', 'int16'],
  ['u2', 'uint16'],
  ['i4', 'int32'],
  ['u4', 'uint32'],
  ['i8', 'int64'],
  ['u8', 'uint64'],
  ['b1', 'bool'],
]);

export interface ParsedDescr {
  dtype: DType;
  /** True when the file stores multi-byte elements big-endian ('>'). */
  bigEndian: boolean;
}

/** Parses a simple descriptor such as '<f4', '|b1', '>i8'; undefined for anything we cannot carry. */
export function parseNpyDescr(descr: string): ParsedDescr | undefined {
  const order = descr[0];
  if (order !== '<' && order !== '>' && order !== '|' && order !== '=') return undefined;
  const dtype = DTYPE_OF_CODE.get(descr.slice(1));
  if (dtype === undefined) return undefined;
  // '=' is native order; SplitUp only runs on little-endian hosts (checked in npy.ts).
  return { dtype, bigEndian: order === '>' };
}
