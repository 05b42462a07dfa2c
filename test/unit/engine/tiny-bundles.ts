// Tiny ONNX models and hand-split bundles for the engine tests, built with onnx-buf.
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { create, toBinary } from '@bufbuild/protobuf';
import {
  AttributeProto_AttributeType,
  AttributeProtoSchema,
  TensorProto_DataType as DT,
  GraphProtoSchema,
  ModelProtoSchema,
  type NodeProto,
  NodeProtoSchema,
  OperatorSetIdProtoSchema,
  type TensorProto,
  TensorProtoSchema,
  TensorShapeProto_DimensionSchema,
  TensorShapeProtoSchema,
  TypeProto_TensorSchema,
  TypeProtoSchema,
  type ValueInfoProto,
  ValueInfoProtoSchema,
} from 'onnx-buf';
import { writeSourceRecord } from '../../../node/model/bundle/source-record.js';
import { elemTypeOfDtype } from '../../../node/model/onnx/dtype.js';
import {
  type BundleManifest,
  type Connection,
  MANIFEST_FILE,
  MANIFEST_SCHEMA,
  MODEL_ENDPOINT,
  type StateBinding,
  type TaskManifest,
} from '../../../storage/bundle/manifest.js';
import type { Tensor, TensorSpec } from '../../../storage/tensors/tensor.js';

const OPSET = 17n;

export function node(opType: string, inputs: string[], outputs: string[]): NodeProto {
  return create(NodeProtoSchema, { opType, input: inputs, output: outputs, name: `${opType}_${outputs[0]}` });
}

function valueInfo(spec: TensorSpec): ValueInfoProto {
  const dim = spec.shape.map((d) =>
    create(TensorShapeProto_DimensionSchema, {
      value: typeof d === 'number' ? { case: 'dimValue', value: BigInt(d) } : { case: 'dimParam', value: d },
    }),
  );
  return create(ValueInfoProtoSchema, {
    name: spec.name,
    type: create(TypeProtoSchema, {
      value: {
        case: 'tensorType',
        value: create(TypeProto_TensorSchema, {
          elemType: elemTypeOfDtype(spec.dtype),
          shape: create(TensorShapeProtoSchema, { dim }),
        }),
      },
    }),
  });
}

export function floatInit(name: string, dims: number[], values: number[]): TensorProto {
  return create(TensorProtoSchema, {
    name,
    dims: dims.map(BigInt),
    dataType: DT.FLOAT,
    rawData: new Uint8Array(Float32Array.from(values).buffer),
  });
}

export interface GraphDef {
  nodes: NodeProto[];
  inputs: TensorSpec[];
  outputs: TensorSpec[];
  initializers?: TensorProto[];
}

export function modelBytes(g: GraphDef): Uint8Array {
  const graph = create(GraphProtoSchema, {
    name: 'g',
    node: g.nodes,
    input: g.inputs.map(valueInfo),
    output: g.outputs.map(valueInfo),
    initializer: g.initializers ?? [],
  });
  return toBinary(
    ModelProtoSchema,
    create(ModelProtoSchema, {
      irVersion: 8n,
      producerName: 'splitup-engine-tests',
      opsetImport: [create(OperatorSetIdProtoSchema, { domain: '', version: OPSET })],
      graph,
    }),
  );
}

export const f32 = (name: string, shape: (number | string)[]): TensorSpec => ({
  name,
  dtype: 'float32',
  shape,
});

export function floatTensor(shape: number[], values: number[]): Tensor {
  return { dtype: 'float32', shape, data: new Uint8Array(Float32Array.from(values).buffer) };
}

export function floats(t: Tensor): number[] {
  return [...new Float32Array(t.data.buffer, t.data.byteOffset, t.data.byteLength / 4)];
}

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

export interface TaskDef extends GraphDef {
  id: string;
  state?: StateBinding[];
}

/** Writes task files, the whole model (for --check, recorded as deploy does) and manifest.json. */
export async function writeBundle(
  name: string,
  whole: GraphDef,
  tasks: TaskDef[],
  connections: [string, string, string, string][],
): Promise<{ dir: string; manifest: BundleManifest; sourcePath: string }> {
  const dir = await mkdtemp(join(tmpdir(), `bundle-${name}-`));
  await mkdir(join(dir, 'tasks'));
  const wholeBytes = modelBytes(whole);
  const sourcePath = join(dir, 'source.onnx');
  await writeFile(sourcePath, wholeBytes);
  const taskManifests: TaskManifest[] = [];
  for (const t of tasks) {
    const bytes = modelBytes(t);
    const file = `tasks/${t.id}.onnx`;
    await writeFile(join(dir, file), bytes);
    taskManifests.push({
      id: t.id,
      file,
      sha256: sha256(bytes),
      inputs: t.inputs,
      outputs: t.outputs,
      state: t.state ?? [],
      vramBytes: bytes.length,
      computeUnits: t.nodes.length,
      weights: [],
      nodeCount: t.nodes.length,
    });
  }
  const conn = connections.map(
    ([fromTask, fromTensor, toTask, toTensor]): Connection => ({
      from: { task: fromTask, tensor: fromTensor },
      to: { task: toTask, tensor: toTensor },
    }),
  );
  const manifest: BundleManifest = {
    schema: MANIFEST_SCHEMA,
    model: {
      name,
      sourceSha256: sha256(wholeBytes),
      inputs: whole.inputs,
      outputs: whole.outputs,
      declaredShapes: {},
    },
    runtime: { graphOptimizationLevel: 'all' },
    targetVramBytes: 1 << 20,
    tasks: taskManifests,
    connections: conn,
  };
  await writeFile(join(dir, MANIFEST_FILE), JSON.stringify(manifest, null, 2));
  writeSourceRecord(dir, sourcePath);
  return { dir, manifest, sourcePath };
}

const M = MODEL_ENDPOINT;

/** out = ((x + 1) * 2) @ W, split after the Mul: t0 = Add+Mul, t1 = MatMul. x is [batch, 4]. */
export function linearBundle() {
  const W = floatInit('W', [4, 3], [1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 1, 1]);
  const one = floatInit('one', [1], [1]);
  const two = floatInit('two', [1], [2]);
  const x = f32('x', ['batch', 4]);
  const z = f32('z', ['batch', 4]);
  const out = f32('out', ['batch', 3]);
  const whole: GraphDef = {
    nodes: [
      node('Add', ['x', 'one'], ['y']),
      node('Mul', ['y', 'two'], ['z']),
      node('MatMul', ['z', 'W'], ['out']),
    ],
    inputs: [x],
    outputs: [out],
    initializers: [W, one, two],
  };
  const tasks: TaskDef[] = [
    {
      id: 't0',
      nodes: whole.nodes.slice(0, 2),
      inputs: [x],
      outputs: [z],
      initializers: [one, two],
    },
    { id: 't1', nodes: whole.nodes.slice(2), inputs: [z], outputs: [out], initializers: [W] },
  ];
  return writeBundle('linear', whole, tasks, [
    [M, 'x', 't0', 'x'],
    ['t0', 'z', 't1', 'z'],
    ['t1', 'out', M, 'out'],
  ]);
}

/** Two parallel branches: a = x * 3 (tA), b = x + 5 (tB), out = a - b (tC); x also goes out as `a`. */
export function parallelBundle() {
  const three = floatInit('three', [1], [3]);
  const five = floatInit('five', [1], [5]);
  const x = f32('x', [2, 2]);
  const a = f32('a', [2, 2]);
  const b = f32('b', [2, 2]);
  const out = f32('out', [2, 2]);
  const whole: GraphDef = {
    nodes: [
      node('Mul', ['x', 'three'], ['a']),
      node('Add', ['x', 'five'], ['b']),
      node('Sub', ['a', 'b'], ['out']),
    ],
    inputs: [x],
    outputs: [out, a],
    initializers: [three, five],
  };
  const tasks: TaskDef[] = [
    { id: 'tA', nodes: [whole.nodes[0]!], inputs: [x], outputs: [a], initializers: [three] },
    { id: 'tB', nodes: [whole.nodes[1]!], inputs: [x], outputs: [b], initializers: [five] },
    { id: 'tC', nodes: [whole.nodes[2]!], inputs: [a, b], outputs: [out] },
  ];
  return writeBundle('parallel', whole, tasks, [
    [M, 'x', 'tA', 'x'],
    [M, 'x', 'tB', 'x'],
    ['tA', 'a', 'tC', 'a'],
    ['tB', 'b', 'tC', 'b'],
    ['tC', 'out', M, 'out'],
    ['tA', 'a', M, 'a'],
  ]);
}

/**
 * A growing cache: present = concat(past, x) along axis 1, total = sum(present) * 1 (t0), then
 * doubled = total * 2 (t1). t0 carries present -> past between steps.
 */
export function stateBundle() {
  const two = floatInit('two', [1], [2]);
  const x = f32('x', [1, 2]);
  const past = f32('past', [1, 'seq']);
  const present = f32('present', [1, 'seq_next']);
  const total = f32('total', [1, 1]);
  const doubled = f32('doubled', [1, 1]);
  const concat = node('Concat', ['past', 'x'], ['present']);
  concat.attribute = [
    create(AttributeProtoSchema, { name: 'axis', type: AttributeProto_AttributeType.INT, i: 1n }),
  ];
  const sum = node('ReduceSum', ['present'], ['total']);
  const whole: GraphDef = {
    nodes: [concat, sum, node('Mul', ['total', 'two'], ['doubled'])],
    inputs: [x, past],
    outputs: [doubled, present],
    initializers: [two],
  };
  const tasks: TaskDef[] = [
    {
      id: 't0',
      nodes: [concat, sum],
      inputs: [x, past],
      outputs: [total, present],
      state: [{ input: 'past', output: 'present' }],
    },
    { id: 't1', nodes: [whole.nodes[2]!], inputs: [total], outputs: [doubled], initializers: [two] },
  ];
  return writeBundle('state', whole, tasks, [
    [M, 'x', 't0', 'x'],
    [M, 'past', 't0', 'past'],
    ['t0', 'total', 't1', 'total'],
    ['t1', 'doubled', M, 'doubled'],
    ['t0', 'present', M, 'present'],
  ]);
}
