// ONNX element types <-> SplitUp dtypes. ONNX types we cannot carry between peers map to undefined.
import { TensorProto_DataType as T } from 'onnx-buf';
import type { DType } from '../../../storage/tensors/tensor.js';

const TO_DTYPE: ReadonlyMap<number, DType> = new Map<number, DType>([
  [T.FLOAT, 'float32'],
  [T.FLOAT16, 'float16'],
  [T.BFLOAT16, 'bfloat16'],
  [T.DOUBLE, 'float64'],
  [T.INT8, 'int8'],
  [T.UINT8, 'uint8'],
  [T.INT16, 'int16'],
  [T.UINT16, 'uint16'],
  [T.INT32, 'int32'],
  [T.UINT32, 'uint32'],
  [T.INT64, 'int64'],
  [T.UINT64, 'uint64'],
  [T.BOOL, 'bool'],
]);

const FROM_DTYPE: ReadonlyMap<DType, number> = new Map([...TO_DTYPE].map(([k, v]) => [v, k]));

export function dtypeOfElemType(elemType: number): DType | undefined {
  return TO_DTYPE.get(elemType);
}

export function elemTypeOfDtype(dtype: DType): number {
  return FROM_DTYPE.get(dtype) ?? T.UNDEFINED;
}

/** Bytes per element for any fixed-size ONNX element type (sub-byte types rounded up per element). */
export function elemTypeBytes(elemType: number): number | undefined {
  switch (elemType) {
    case T.FLOAT:
    case T.INT32:
    case T.UINT32:
      return 4;
    case T.DOUBLE:
    case T.INT64:
    case T.UINT64:
    case T.COMPLEX64:
      return 8;
    case T.COMPLEX128:
      return 16;
    case T.FLOAT16:
    case T.BFLOAT16:
    case T.INT16:
    case T.UINT16:
      return 2;
    case T.INT8:
    case T.UINT8:
    case T.BOOL:
    case T.FLOAT8E4M3FN:
    case T.FLOAT8E4M3FNUZ:
    case T.FLOAT8E5M2:
    case T.FLOAT8E5M2FNUZ:
    case T.FLOAT8E8M0:
    case T.UINT4:
    case T.INT4:
    case T.FLOAT4E2M1:
    case T.UINT2:
    case T.INT2:
      return 1;
    default:
      return undefined;
  }
}
