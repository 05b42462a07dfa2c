// SplitUp tensors <-> onnxruntime tensors, sharing memory where alignment allows.
import * as ort from 'onnxruntime-node';
import type { DType, Tensor } from '../../storage/tensors/tensor.js';
import { SplitUpError } from '../errors.js';
import { EngineErrorCode } from './errors.js';

type TypedArrayCtor =
  | Float32ArrayConstructor
  | Float64ArrayConstructor
  | Int8ArrayConstructor
  | Uint8ArrayConstructor
  | Int16ArrayConstructor
  | Uint16ArrayConstructor
  | Int32ArrayConstructor
  | Uint32ArrayConstructor
  | BigInt64ArrayConstructor
  | BigUint64ArrayConstructor;

/** onnxruntime-node has no bfloat16 tensors; everything else maps one to one. */
const ORT_ARRAY: Readonly<Record<Exclude<DType, 'bfloat16'>, TypedArrayCtor>> = {
  float32: Float32Array,
  // Node 20 has no Float16Array: onnxruntime takes float16 bits in a Uint16Array.
  float16: Uint16Array,
  float64: Float64Array,
  int8: Int8Array,
  uint8: Uint8Array,
  int16: Int16Array,
  uint16: Uint16Array,
  int32: Int32Array,
  uint32: Uint32Array,
  int64: BigInt64Array,
  uint64: BigUint64Array,
  bool: Uint8Array,
};

function isOrtDType(dtype: DType): dtype is Exclude<DType, 'bfloat16'> {
  return dtype !== 'bfloat16';
}

export function toOrtTensor(name: string, tensor: Tensor): ort.Tensor {
  const { dtype } = tensor;
  if (!isOrtDType(dtype)) {
    throw new SplitUpError(
      EngineErrorCode.DTYPE_UNSUPPORTED,
      `input '${name}' is ${dtype}, which onnxruntime-node cannot take`,
    );
  }
  const Ctor = ORT_ARRAY[dtype];
  let bytes = tensor.data;
  // A typed array view must start at a multiple of its element size; copy when it does not.
  if (bytes.byteOffset % Ctor.BYTES_PER_ELEMENT !== 0) bytes = bytes.slice();
  const array = new Ctor(
    bytes.buffer as ArrayBuffer,
    bytes.byteOffset,
    bytes.byteLength / Ctor.BYTES_PER_ELEMENT,
  );
  return new ort.Tensor(dtype, array as never, tensor.shape);
}

const DTYPE_OF_ORT: ReadonlyMap<string, DType> = new Map(Object.keys(ORT_ARRAY).map((k) => [k, k as DType]));

function dtypeOfOrtType(type: string): DType | undefined {
  return DTYPE_OF_ORT.get(type);
}

/** A view of an onnxruntime output as a SplitUp tensor (no copy). */
export function fromOrtTensor(name: string, value: ort.Tensor): Tensor {
  const dtype = dtypeOfOrtType(value.type);
  if (dtype === undefined) {
    throw new SplitUpError(
      EngineErrorCode.DTYPE_UNSUPPORTED,
      `output '${name}' has type ${value.type}, which SplitUp cannot carry`,
    );
  }
  const array = value.data as ArrayBufferView;
  return {
    dtype,
    shape: [...value.dims],
    data: new Uint8Array(array.buffer, array.byteOffset, array.byteLength),
  };
}
