// Shapes of every tensor of a model, two ways:
// - `symbolic`: as onnxruntime infers them with the model's own symbolic dims (for task specs);
// - `fixed`: concrete sizes under the declared input shapes (for memory and compute estimates).
// Both come from a copy of the model that exposes every node output as a graph output and is
// loaded (optimization disabled, so no tensor disappears) but not run; ORT's `outputMetadata`
// holds its inferred shapes. Tensors whose sizes inference cannot pin down (e.g. a Reshape fed by
// computed shape values) are measured by running the fixed copy once on zero-filled inputs.
import { unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { clone, create, toBinary } from '@bufbuild/protobuf';
import {
  type ModelProto,
  ModelProtoSchema,
  TensorProto_DataType,
  TensorShapeProto_DimensionSchema,
  TensorShapeProtoSchema,
  TypeProto_TensorSchema,
  TypeProtoSchema,
  ValueInfoProtoSchema,
} from 'onnx-buf';
import * as ort from 'onnxruntime-node';
import { type Dim, type DType, isDType } from '../../../storage/tensors/tensor.js';
import { SplitUpError } from '../../errors.js';
import { ModelErrorCode, ShapeErrorCode } from '../errors.js';
import { dtypeOfElemType } from '../onnx/dtype.js';
import { baseSessionOptions } from '../onnx/optimize.js';
import { initializerBytes } from '../onnx/tensor-bytes.js';
import { type ResolvedInputs, runtimeInputs, valueInfoDims } from './input-shapes.js';

export interface TensorShape<D> {
  dtype: DType | undefined;
  shape: D[];
}

export interface InferredShapes {
  symbolic: Map<string, TensorShape<Dim>>;
  fixed: Map<string, TensorShape<number>>;
  /** Tensors with no concrete shape even after a run (non-tensor values): named for the user. */
  unknown: string[];
  /** True when a run on zero inputs was needed to size some tensors. */
  ran: boolean;
}

const SHAPE_PROBE_FILE = 'shape-probe.onnx';

function exposeAllOutputs(model: ModelProto): ModelProto {
  const copy = clone(ModelProtoSchema, model);
  const graph = copy.graph;
  if (!graph) return copy;
  const outs = new Set(graph.output.map((o) => o.name));
  for (const node of graph.node) {
    for (const o of node.output) {
      if (o && !outs.has(o)) {
        outs.add(o);
        graph.output.push(create(ValueInfoProtoSchema, { name: o }));
      }
    }
  }
  return copy;
}

/** Float weights at least this large become typed inputs in the symbolic probe. */
const PROBE_INPUT_MIN_BYTES = 1024;
const FLOAT_TYPES: ReadonlySet<number> = new Set([
  TensorProto_DataType.FLOAT,
  TensorProto_DataType.FLOAT16,
  TensorProto_DataType.BFLOAT16,
  TensorProto_DataType.DOUBLE,
]);

/**
 * The symbolic probe only needs shapes, not weight values: large float initializers become graph
 * inputs of the same type and shape, so loading it reads no weights (seconds, not a minute, on a
 * multi-GB model). Integer initializers stay: shape inference reads their values (Reshape shapes).
 */
function weightsAsInputs(model: ModelProto): ModelProto {
  const copy = clone(ModelProtoSchema, model);
  const graph = copy.graph;
  if (!graph) return copy;
  const kept = [];
  for (const t of graph.initializer) {
    if (!FLOAT_TYPES.has(t.dataType) || initializerBytes(t) < PROBE_INPUT_MIN_BYTES) {
      kept.push(t);
      continue;
    }
    graph.input.push(
      create(ValueInfoProtoSchema, {
        name: t.name,
        type: create(TypeProtoSchema, {
          value: {
            case: 'tensorType',
            value: create(TypeProto_TensorSchema, {
              elemType: t.dataType,
              shape: create(TensorShapeProtoSchema, {
                dim: t.dims.map((d) =>
                  create(TensorShapeProto_DimensionSchema, { value: { case: 'dimValue', value: d } }),
                ),
              }),
            }),
          },
        }),
      }),
    );
  }
  graph.initializer = kept;
  return copy;
}

function fixInputDims(model: ModelProto, inputs: ResolvedInputs): void {
  const graph = model.graph;
  if (!graph) return;
  for (const input of runtimeInputs(graph)) {
    const shape = inputs.shapes.get(input.name);
    if (!shape || input.type?.value.case !== 'tensorType') continue;
    input.type.value.value.shape = create(TensorShapeProtoSchema, {
      dim: shape.map((d) =>
        create(TensorShapeProto_DimensionSchema, { value: { case: 'dimValue', value: BigInt(d) } }),
      ),
    });
  }
}

async function probe(model: ModelProto, dir: string): Promise<ort.InferenceSession> {
  const file = join(dir, SHAPE_PROBE_FILE);
  writeFileSync(file, toBinary(ModelProtoSchema, model));
  try {
    return await ort.InferenceSession.create(file, baseSessionOptions('disabled'));
  } catch (err) {
    throw new SplitUpError(
      ModelErrorCode.INVALID,
      `onnxruntime cannot load the model for shape inference: ${(err as Error).message}`,
      {},
      { cause: err },
    );
  } finally {
    unlinkSync(file);
  }
}

function metadataShapes(session: ort.InferenceSession): Map<string, TensorShape<Dim>> {
  const out = new Map<string, TensorShape<Dim>>();
  for (const m of session.outputMetadata) {
    if (!m.isTensor) continue;
    const dtype = isDType(m.type) ? m.type : undefined;
    const shape = m.shape.map((d) =>
      typeof d === 'number' && d >= 0 ? d : typeof d === 'string' && d !== '' ? d : '?',
    );
    out.set(m.name, { dtype, shape });
  }
  return out;
}

function zeroTensor(type: string, dims: number[]): ort.Tensor {
  const n = dims.reduce((a, b) => a * b, 1);
  switch (type) {
    case 'float32':
      return new ort.Tensor('float32', new Float32Array(n), dims);
    case 'float64':
      return new ort.Tensor('float64', new Float64Array(n), dims);
    case 'float16':
      return new ort.Tensor('float16', new Uint16Array(n), dims);
    case 'int64':
      return new ort.Tensor('int64', new BigInt64Array(n), dims);
    case 'uint64':
      return new ort.Tensor('uint64', new BigUint64Array(n), dims);
    case 'int32':
      return new ort.Tensor('int32', new Int32Array(n), dims);
    case 'uint32':
      return new ort.Tensor('uint32', new Uint32Array(n), dims);
    case 'int16':
      return new ort.Tensor('int16', new Int16Array(n), dims);
    case 'uint16':
      return new ort.Tensor('uint16', new Uint16Array(n), dims);
    case 'int8':
      return new ort.Tensor('int8', new Int8Array(n), dims);
    case 'uint8':
      return new ort.Tensor('uint8', new Uint8Array(n), dims);
    case 'bool':
      return new ort.Tensor('bool', new Uint8Array(n), dims);
    default:
      throw new SplitUpError(
        ShapeErrorCode.UNKNOWN,
        `cannot make a zero input of type ${type} to size the model`,
        {
          type,
        },
      );
  }
}

function isConcrete(dims: Dim[]): dims is number[] {
  return dims.every((d) => typeof d === 'number');
}

/** `model` must be the optimized model saved in `modelPath`'s folder (its external data lives there). */
export async function inferShapes(
  model: ModelProto,
  modelPath: string,
  inputs: ResolvedInputs,
): Promise<InferredShapes> {
  const dir = dirname(modelPath);
  const graph = model.graph;
  if (!graph) throw new SplitUpError(ModelErrorCode.CORRUPT, 'model has no graph');
  const exposed = exposeAllOutputs(model);

  const symSession = await probe(weightsAsInputs(exposed), dir);
  const symbolic = metadataShapes(symSession);
  await symSession.release();
  for (const input of runtimeInputs(graph)) {
    const dims = valueInfoDims(input) ?? [];
    const elem = input.type?.value.case === 'tensorType' ? input.type.value.value.elemType : 0;
    symbolic.set(input.name, { dtype: dtypeOfElemType(elem), shape: dims });
  }

  fixInputDims(exposed, inputs);
  const fixedSession = await probe(exposed, dir);
  const meta = metadataShapes(fixedSession);
  const fixed = new Map<string, TensorShape<number>>();
  for (const input of runtimeInputs(graph)) {
    const shape = inputs.shapes.get(input.name);
    if (shape) fixed.set(input.name, { dtype: symbolic.get(input.name)?.dtype, shape });
  }
  const pending: string[] = [];
  for (const [name, s] of meta) {
    if (isConcrete(s.shape)) fixed.set(name, { dtype: s.dtype, shape: s.shape });
    else pending.push(name);
  }
  let ran = false;
  if (pending.length > 0) {
    const feeds: Record<string, ort.Tensor> = {};
    for (const m of fixedSession.inputMetadata) {
      const shape = inputs.shapes.get(m.name);
      if (m.isTensor && shape) feeds[m.name] = zeroTensor(m.type, shape);
    }
    try {
      const results = await fixedSession.run(feeds, pending);
      ran = true;
      for (const name of pending) {
        const t = results[name];
        if (t) fixed.set(name, { dtype: meta.get(name)?.dtype, shape: [...t.dims] });
      }
    } catch (err) {
      await fixedSession.release();
      throw new SplitUpError(
        ShapeErrorCode.UNKNOWN,
        `could not size ${pending.length} tensors (e.g. '${pending[0]}') by running the model on zero inputs of the declared shapes: ${(err as Error).message}`,
        { tensors: pending.slice(0, 20) },
        { cause: err },
      );
    }
  }
  await fixedSession.release();
  const unknown: string[] = [];
  for (const node of graph.node) for (const o of node.output) if (o && !fixed.has(o)) unknown.push(o);
  return { symbolic, fixed, unknown, ran };
}
