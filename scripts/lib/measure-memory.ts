// Measures what each task of a bundle really takes in onnxruntime (CPU: process memory) and
// compares it with the manifest's estimate. Each task is measured in its own child process:
// resident memory before creating the session vs the peak after one run on zero inputs of the
// declared shapes. Input shapes of inner tasks come from one chained run of the bundle.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { create, toBinary } from '@bufbuild/protobuf';
import {
  GraphProtoSchema,
  ModelProtoSchema,
  NodeProtoSchema,
  OperatorSetIdProtoSchema,
  TensorProto_DataType,
  TensorShapeProto_DimensionSchema,
  TensorShapeProtoSchema,
  TypeProto_TensorSchema,
  TypeProtoSchema,
  ValueInfoProtoSchema,
} from 'onnx-buf';
import * as ort from 'onnxruntime-node';
import { SplitUpError } from '../../node/errors.js';
import { openBundle } from '../../node/model/bundle/open.js';
import { ShapeErrorCode } from '../../node/model/errors.js';
import type { BundleManifest } from '../../storage/bundle/manifest.js';

export interface TaskMemoryMeasurement {
  task: string;
  estimateBytes: number;
  /** Resident-memory growth of a fresh process: session create + one run (peak). */
  measuredBytes: number;
  /** estimateBytes / measuredBytes (> 1: the estimate is conservative). */
  ratio: number;
  /** What the same measurement gives for a one-node model: onnxruntime's own fixed cost per process. */
  runtimeBaselineBytes: number;
  /** estimateBytes / (measuredBytes - runtimeBaselineBytes): the task's own share; null when the
   * task measured no more than the baseline (too small to tell apart). */
  ratioOverBaseline: number | null;
}

const CHILD = fileURLToPath(new URL('./measure-memory-child.ts', import.meta.url));
/** A child that takes longer than this is stuck. */
const CHILD_TIMEOUT_MS = 10 * 60 * 1000;

/** Concrete shapes of the model inputs: declared tensors, and symbols bound by declarations. */
export function declaredInputShapes(manifest: BundleManifest): Map<string, number[]> {
  const declared = manifest.model.declaredShapes;
  const symbols = new Map<string, number>();
  for (const [name, dims] of Object.entries(declared))
    if (dims.length === 1) symbols.set(name, dims[0] as number);
  for (const input of manifest.model.inputs) {
    const dims = declared[input.name];
    if (!dims) continue;
    input.shape.forEach((d, i) => {
      if (typeof d === 'string') symbols.set(d, dims[i] as number);
    });
  }
  const out = new Map<string, number[]>();
  for (const input of manifest.model.inputs) {
    const dims = input.shape.map((d) => (typeof d === 'number' ? d : symbols.get(d)));
    if (dims.some((d) => d === undefined)) {
      throw new SplitUpError(
        ShapeErrorCode.UNKNOWN,
        `input '${input.name}' has dims the declared shapes do not fix`,
        { input: input.name },
      );
    }
    out.set(input.name, dims as number[]);
  }
  return out;
}

function zeroTensor(dtype: string, dims: number[]): ort.Tensor {
  const n = dims.reduce((a, b) => a * b, 1);
  if (dtype === 'int64') return new ort.Tensor('int64', new BigInt64Array(n), dims);
  if (dtype === 'int32') return new ort.Tensor('int32', new Int32Array(n), dims);
  if (dtype === 'bool') return new ort.Tensor('bool', new Uint8Array(n), dims);
  if (dtype === 'float16') return new ort.Tensor('float16', new Uint16Array(n), dims);
  return new ort.Tensor('float32', new Float32Array(n), dims);
}

/** Runs the tasks in order once and records the dims of every task input. */
async function taskInputDims(dir: string, manifest: BundleManifest): Promise<Map<string, number[]>> {
  const dims = new Map<string, number[]>();
  const env = new Map<string, ort.Tensor>();
  for (const input of manifest.model.inputs) {
    const shape = declaredInputShapes(manifest).get(input.name) as number[];
    env.set(input.name, zeroTensor(input.dtype, shape));
    dims.set(input.name, shape);
  }
  for (const task of manifest.tasks) {
    const session = await ort.InferenceSession.create(join(dir, task.file), {
      graphOptimizationLevel: manifest.runtime.graphOptimizationLevel,
      extra: { session: { intra_op: { allow_spinning: '0' } } },
    });
    const out = await session.run(
      Object.fromEntries(task.inputs.map((i) => [i.name, env.get(i.name) as ort.Tensor])),
    );
    await session.release();
    for (const [name, t] of Object.entries(out)) {
      env.set(name, t);
      dims.set(name, [...t.dims]);
    }
  }
  return dims;
}

interface ChildJob {
  file: string;
  level: BundleManifest['runtime']['graphOptimizationLevel'];
  inputs: { name: string; dtype: string; dims: number[] }[];
  arena: boolean;
}

export interface MeasureOptions {
  /** Use onnxruntime's CPU memory arena, as runners do by default (default true). */
  arena?: boolean;
}

function measureInChild(job: ChildJob): number {
  const stdout = execFileSync(process.execPath, ['--import', 'tsx', CHILD, JSON.stringify(job)], {
    encoding: 'utf8',
    timeout: CHILD_TIMEOUT_MS,
  });
  return (JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as { runBytes: number }).runBytes;
}

/** Memory growth for a one-node (Identity on 1 float) model: the runtime's fixed per-process cost. */
function measureRuntimeBaseline(level: ChildJob['level'] = 'basic', arena = true): number {
  const dir = mkdtempSync(join(tmpdir(), 'splitup-baseline-'));
  try {
    const file = join(dir, 'identity.onnx');
    const vi = (name: string) =>
      create(ValueInfoProtoSchema, {
        name,
        type: create(TypeProtoSchema, {
          value: {
            case: 'tensorType',
            value: create(TypeProto_TensorSchema, {
              elemType: TensorProto_DataType.FLOAT,
              shape: create(TensorShapeProtoSchema, {
                dim: [create(TensorShapeProto_DimensionSchema, { value: { case: 'dimValue', value: 1n } })],
              }),
            }),
          },
        }),
      });
    const model = create(ModelProtoSchema, {
      irVersion: 8n,
      opsetImport: [create(OperatorSetIdProtoSchema, { domain: '', version: 17n })],
      graph: create(GraphProtoSchema, {
        name: 'baseline',
        node: [create(NodeProtoSchema, { opType: 'Identity', input: ['a'], output: ['b'] })],
        input: [vi('a')],
        output: [vi('b')],
      }),
    });
    writeFileSync(file, toBinary(ModelProtoSchema, model));
    return measureInChild({ file, level, arena, inputs: [{ name: 'a', dtype: 'float32', dims: [1] }] });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function measureBundleMemory(
  dir: string,
  options: MeasureOptions = {},
): Promise<TaskMemoryMeasurement[]> {
  const arena = options.arena ?? true;
  const { manifest } = await openBundle(dir);
  const dims = await taskInputDims(dir, manifest);
  const baseline = measureRuntimeBaseline(manifest.runtime.graphOptimizationLevel, arena);
  return manifest.tasks.map((task) => {
    const measuredBytes = measureInChild({
      file: join(dir, task.file),
      level: manifest.runtime.graphOptimizationLevel,
      arena,
      inputs: task.inputs.map((i) => ({ name: i.name, dtype: i.dtype, dims: dims.get(i.name) ?? [] })),
    });
    return {
      task: task.id,
      estimateBytes: task.vramBytes,
      measuredBytes,
      ratio: task.vramBytes / measuredBytes,
      runtimeBaselineBytes: baseline,
      ratioOverBaseline: measuredBytes > baseline ? task.vramBytes / (measuredBytes - baseline) : null,
    };
  });
}
