// Many exported models keep weights in `Constant` nodes. As initializers they are sized, shared and
// moved to weights files like any other weight, so we convert them before building the graph.
import { create } from '@bufbuild/protobuf';
import {
  type GraphProto,
  type NodeProto,
  type TensorProto,
  TensorProto_DataType,
  TensorProtoSchema,
} from 'onnx-buf';

function constantValue(node: NodeProto, name: string): TensorProto | undefined {
  const a = node.attribute[0];
  if (node.attribute.length !== 1 || !a) return undefined;
  switch (a.name) {
    case 'value':
      return a.t ? { ...a.t, name } : undefined;
    case 'value_float':
      return create(TensorProtoSchema, { name, dataType: TensorProto_DataType.FLOAT, floatData: [a.f] });
    case 'value_floats':
      return create(TensorProtoSchema, {
        name,
        dataType: TensorProto_DataType.FLOAT,
        dims: [BigInt(a.floats.length)],
        floatData: [...a.floats],
      });
    case 'value_int':
      return create(TensorProtoSchema, { name, dataType: TensorProto_DataType.INT64, int64Data: [a.i] });
    case 'value_ints':
      return create(TensorProtoSchema, {
        name,
        dataType: TensorProto_DataType.INT64,
        dims: [BigInt(a.ints.length)],
        int64Data: [...a.ints],
      });
    default:
      return undefined; // strings and sparse values stay as nodes
  }
}

/** Moves the top-level graph's Constant nodes into its initializers, in place. Returns how many moved. */
export function constantsToInitializers(graph: GraphProto): number {
  const kept: NodeProto[] = [];
  let moved = 0;
  for (const node of graph.node) {
    const out = node.output[0];
    const isPlainConstant = node.opType === 'Constant' && (node.domain === '' || node.domain === 'ai.onnx');
    const tensor = isPlainConstant && out ? constantValue(node, out) : undefined;
    if (tensor) {
      graph.initializer.push(create(TensorProtoSchema, tensor));
      moved++;
    } else {
      kept.push(node);
    }
  }
  graph.node = kept;
  return moved;
}
