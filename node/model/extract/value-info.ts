// TensorSpec <-> ONNX ValueInfoProto for task inputs and outputs. Symbolic dims keep their
// names; a dim onnxruntime could not name ('?') becomes an unnamed dim.
import { create } from '@bufbuild/protobuf';
import {
  TensorShapeProto_DimensionSchema,
  TensorShapeProtoSchema,
  TypeProto_TensorSchema,
  TypeProtoSchema,
  type ValueInfoProto,
  ValueInfoProtoSchema,
} from 'onnx-buf';
import type { TensorSpec } from '../../../storage/tensors/tensor.js';
import { elemTypeOfDtype } from '../onnx/dtype.js';

/** The Dim a spec uses for a dim nobody named. */
export const UNNAMED_DIM = '?';

export function specToValueInfo(spec: TensorSpec): ValueInfoProto {
  return create(ValueInfoProtoSchema, {
    name: spec.name,
    type: create(TypeProtoSchema, {
      value: {
        case: 'tensorType',
        value: create(TypeProto_TensorSchema, {
          elemType: elemTypeOfDtype(spec.dtype),
          shape: create(TensorShapeProtoSchema, {
            dim: spec.shape.map((d) =>
              create(TensorShapeProto_DimensionSchema, {
                value:
                  typeof d === 'number'
                    ? { case: 'dimValue', value: BigInt(d) }
                    : d === UNNAMED_DIM
                      ? { case: undefined }
                      : { case: 'dimParam', value: d },
              }),
            ),
          }),
        }),
      },
    }),
  });
}
