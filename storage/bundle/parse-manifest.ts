// manifest.json as text -> a BundleManifest whose every field has the type manifest.ts declares.
// Only the shape is checked here (storage/ knows nothing of DAG rules or ONNX): the model layer's
// openBundle adds the DAG rules and the files. File names are checked where they are resolved
// against a folder (storage/paths), so the reason names the folder.
import { DTYPES, type DType, type TensorSpec } from '../tensors/tensor.js';
import { BundleError, BundleErrorCode } from './errors.js';
import { type BundleManifest, MANIFEST_SCHEMA } from './manifest.js';

const OPTIMIZATION_LEVELS = ['disabled', 'basic', 'extended', 'all'] as const;
const SHA256_HEX = /^[0-9a-f]{64}$/;

type Json = Record<string, unknown>;

class Reader {
  constructor(readonly label: string) {}

  fail(path: string, what: string): never {
    throw new BundleError(BundleErrorCode.MANIFEST_INVALID, `${this.label}: ${path} ${what}`, {
      field: path,
    });
  }

  object(value: unknown, path: string): Json {
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      this.fail(path, 'must be an object');
    return value as Json;
  }

  array(value: unknown, path: string): unknown[] {
    if (!Array.isArray(value)) this.fail(path, 'must be an array');
    return value;
  }

  string(value: unknown, path: string): string {
    if (typeof value !== 'string') this.fail(path, 'must be a string');
    return value;
  }

  sha256(value: unknown, path: string): string {
    if (typeof value !== 'string' || !SHA256_HEX.test(value))
      this.fail(path, 'must be a sha256 in lowercase hex');
    return value;
  }

  count(value: unknown, path: string): number {
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0)
      this.fail(path, 'must be a non-negative integer');
    return value;
  }

  optionalString(value: unknown, path: string): string | undefined {
    return value === undefined ? undefined : this.string(value, path);
  }

  spec(value: unknown, path: string): TensorSpec {
    const o = this.object(value, path);
    const dtype = o.dtype;
    if (!DTYPES.includes(dtype as DType)) this.fail(`${path}.dtype`, `'${String(dtype)}' is not a dtype`);
    const shape = this.array(o.shape, `${path}.shape`).map((d, i) => {
      if (typeof d === 'string' && d !== '') return d;
      return this.count(d, `${path}.shape[${i}]`);
    });
    return { name: this.string(o.name, `${path}.name`), dtype: dtype as DType, shape };
  }

  specs(value: unknown, path: string): TensorSpec[] {
    return this.array(value, path).map((s, i) => this.spec(s, `${path}[${i}]`));
  }
}

function withCid<T extends object>(value: T, cid: string | undefined): T & { cid?: string } {
  return cid === undefined ? value : { ...value, cid };
}

/** Parses and checks the shape of a manifest; `label` names it in errors (e.g. its path). */
export function parseManifest(text: string, label: string): BundleManifest {
  const r = new Reader(label);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new BundleError(
      BundleErrorCode.MANIFEST_INVALID,
      `${label} is not valid JSON: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
  const top = r.object(value, 'the manifest');
  if (top.schema !== MANIFEST_SCHEMA)
    r.fail('schema', `is '${String(top.schema)}'; this version reads '${MANIFEST_SCHEMA}'`);
  const model = r.object(top.model, 'model');
  const shapes = r.object(model.declaredShapes, 'model.declaredShapes');
  const runtime = r.object(top.runtime, 'runtime');
  const level = runtime.graphOptimizationLevel;
  if (!OPTIMIZATION_LEVELS.includes(level as (typeof OPTIMIZATION_LEVELS)[number]))
    r.fail(
      'runtime.graphOptimizationLevel',
      `'${String(level)}' is not one of ${OPTIMIZATION_LEVELS.join(', ')}`,
    );
  return {
    schema: MANIFEST_SCHEMA,
    model: {
      name: r.string(model.name, 'model.name'),
      sourceSha256: r.sha256(model.sourceSha256, 'model.sourceSha256'),
      inputs: r.specs(model.inputs, 'model.inputs'),
      outputs: r.specs(model.outputs, 'model.outputs'),
      declaredShapes: Object.fromEntries(
        Object.entries(shapes).map(([name, dims]) => [
          name,
          r
            .array(dims, `model.declaredShapes.${name}`)
            .map((d, i) => r.count(d, `model.declaredShapes.${name}[${i}]`)),
        ]),
      ),
    },
    runtime: { graphOptimizationLevel: level as (typeof OPTIMIZATION_LEVELS)[number] },
    targetVramBytes: r.count(top.targetVramBytes, 'targetVramBytes'),
    tasks: r.array(top.tasks, 'tasks').map((value, i) => {
      const at = `tasks[${i}]`;
      const t = r.object(value, at);
      return withCid(
        {
          id: r.string(t.id, `${at}.id`),
          file: r.string(t.file, `${at}.file`),
          sha256: r.sha256(t.sha256, `${at}.sha256`),
          inputs: r.specs(t.inputs, `${at}.inputs`),
          outputs: r.specs(t.outputs, `${at}.outputs`),
          state: r.array(t.state, `${at}.state`).map((b, k) => {
            const o = r.object(b, `${at}.state[${k}]`);
            return {
              input: r.string(o.input, `${at}.state[${k}].input`),
              output: r.string(o.output, `${at}.state[${k}].output`),
            };
          }),
          vramBytes: r.count(t.vramBytes, `${at}.vramBytes`),
          computeUnits: r.count(t.computeUnits, `${at}.computeUnits`),
          weights: r.array(t.weights, `${at}.weights`).map((w, k) => {
            const wat = `${at}.weights[${k}]`;
            const o = r.object(w, wat);
            return withCid(
              {
                file: r.string(o.file, `${wat}.file`),
                bytes: r.count(o.bytes, `${wat}.bytes`),
                sha256: r.sha256(o.sha256, `${wat}.sha256`),
              },
              r.optionalString(o.cid, `${wat}.cid`),
            );
          }),
          nodeCount: r.count(t.nodeCount, `${at}.nodeCount`),
        },
        r.optionalString(t.cid, `${at}.cid`),
      );
    }),
    connections: r.array(top.connections, 'connections').map((value, i) => {
      const c = r.object(value, `connections[${i}]`);
      const ref = (v: unknown, side: string) => {
        const o = r.object(v, `connections[${i}].${side}`);
        return {
          task: r.string(o.task, `connections[${i}].${side}.task`),
          tensor: r.string(o.tensor, `connections[${i}].${side}.tensor`),
        };
      };
      return { from: ref(c.from, 'from'), to: ref(c.to, 'to') };
    }),
  };
}
