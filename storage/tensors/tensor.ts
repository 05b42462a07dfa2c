// What a tensor is, everywhere in SplitUp: a dtype, a shape and little-endian bytes.
// Lives in storage/ (the lowest layer) so protocols and the peer share one definition.

export const DTYPES = [
  'float32',
  'float16',
  'bfloat16',
  'float64',
  'int8',
  'uint8',
  'int16',
  'uint16',
  'int32',
  'uint32',
  'int64',
  'uint64',
  'bool',
] as const;

export type DType = (typeof DTYPES)[number];

/** Bytes per element of each dtype. */
export const DTYPE_BYTES: Readonly<Record<DType, number>> = {
  float32: 4,
  float16: 2,
  bfloat16: 2,
  float64: 8,
  int8: 1,
  uint8: 1,
  int16: 2,
  uint16: 2,
  int32: 4,
  uint32: 4,
  int64: 8,
  uint64: 8,
  bool: 1,
};

/** A dimension is a number, or a symbolic name the deployer did not fix (e.g. a growing KV-cache length). */
export type Dim = number | string;

/** A named, typed tensor interface, as a task declares it. */
export interface TensorSpec {
  name: string;
  dtype: DType;
  shape: Dim[];
}

/** A concrete tensor: every dim known, data as raw little-endian bytes. */
export interface Tensor {
  dtype: DType;
  shape: number[];
  data: Uint8Array;
  /**
   * sha256 of `data`, when whoever produced the bytes already hashed them: the engine hashes its
   * outputs in its worker thread, the tensor stream keeps the hash it verified. Senders reuse it
   * instead of hashing on the network thread; receivers always verify.
   */
  sha256?: Uint8Array;
}

export function isDType(value: unknown): value is DType {
  return typeof value === 'string' && (DTYPES as readonly string[]).includes(value);
}

/** A tensor with its own copy of the bytes (for a second consumer of a buffer the first may move). */
export function copyTensor(t: Tensor): Tensor {
  return { dtype: t.dtype, shape: [...t.shape], data: t.data.slice() };
}

export function elementCount(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function tensorByteLength(dtype: DType, shape: readonly number[]): number {
  return elementCount(shape) * DTYPE_BYTES[dtype];
}

/**
 * The one tensor-vs-spec check every layer uses (the engine before a run, the tensor stream on a
 * header, the client on the outputs it receives): what differs, or undefined when it fits.
 */
export function specMismatch(
  spec: Pick<TensorSpec, 'dtype' | 'shape'>,
  tensor: { dtype: DType; shape: readonly number[] },
): 'dtype' | 'shape' | undefined {
  if (tensor.dtype !== spec.dtype) return 'dtype';
  return shapeMatches(spec.shape, tensor.shape) ? undefined : 'shape';
}

/** True when `shape` is an instance of `spec` (symbolic dims match any non-negative size). */
export function shapeMatches(spec: readonly Dim[], shape: readonly number[]): boolean {
  if (spec.length !== shape.length) return false;
  return spec.every((d, i) => {
    const actual = shape[i]!;
    return typeof d === 'string' ? Number.isInteger(actual) && actual >= 0 : d === actual;
  });
}
