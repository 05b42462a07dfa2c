// Checks tensors against a task's declared specs before they reach onnxruntime (which would
// otherwise fail late with a less helpful message) and the session's metadata against the manifest.
import {
  type Dim,
  specMismatch,
  type Tensor,
  type TensorSpec,
  tensorByteLength,
} from '../../storage/tensors/tensor.js';
import { SplitUpError } from '../errors.js';
import { EngineErrorCode } from './errors.js';
import type { ValueInfo } from './worker-protocol.js';

function specText(spec: TensorSpec): string {
  return `${spec.dtype}[${spec.shape.join(', ')}]`;
}

function tensorText(t: Tensor): string {
  return `${t.dtype}[${t.shape.join(', ')}]`;
}

/** Throws when a tensor's bytes do not fit its dtype and shape. */
function checkTensorBytes(label: string, name: string, t: Tensor): void {
  const ok = Array.isArray(t.shape) && t.shape.every((d) => Number.isSafeInteger(d) && d >= 0);
  const expected = ok ? tensorByteLength(t.dtype, t.shape) : -1;
  if (!ok || !(t.data instanceof Uint8Array) || t.data.byteLength !== expected) {
    throw new SplitUpError(
      EngineErrorCode.INPUT_MISMATCH,
      `${label}: tensor '${name}' is malformed: ${tensorText(t)} needs ${expected} bytes, data has ${t.data?.byteLength}`,
      { name },
    );
  }
}

/**
 * Checks that `inputs` has exactly the declared inputs (those in `optional` may be absent) and
 * that each matches its spec; symbolic dims match any size.
 */
export function checkInputs(
  label: string,
  specs: readonly TensorSpec[],
  inputs: Record<string, Tensor>,
  optional: ReadonlySet<string> = new Set(),
): void {
  const byName = new Map(specs.map((s) => [s.name, s]));
  for (const name of Object.keys(inputs)) {
    if (!byName.has(name)) {
      throw new SplitUpError(
        EngineErrorCode.INPUT_UNKNOWN,
        `${label} has no input '${name}'; its inputs are ${[...byName.keys()].join(', ')}`,
        { name },
      );
    }
  }
  for (const spec of specs) {
    const t = inputs[spec.name];
    if (t === undefined) {
      if (optional.has(spec.name)) continue;
      throw new SplitUpError(
        EngineErrorCode.INPUT_MISSING,
        `${label}: input '${spec.name}' (${specText(spec)}) is missing`,
        {
          name: spec.name,
        },
      );
    }
    if (specMismatch(spec, t) !== undefined) {
      throw new SplitUpError(
        EngineErrorCode.INPUT_MISMATCH,
        `${label}: input '${spec.name}' must be ${specText(spec)}, got ${tensorText(t)}`,
        { name: spec.name, expected: spec, dtype: t.dtype, shape: t.shape },
      );
    }
    checkTensorBytes(label, spec.name, t);
  }
}

/** Checks a session's outputs against what the manifest promised downstream tasks. */
export function checkOutputs(
  label: string,
  specs: readonly TensorSpec[],
  outputs: Record<string, Tensor>,
): void {
  for (const spec of specs) {
    const t = outputs[spec.name];
    if (t === undefined) continue; // state outputs are not always returned
    if (specMismatch(spec, t) !== undefined) {
      throw new SplitUpError(
        EngineErrorCode.OUTPUT_MISMATCH,
        `${label}: output '${spec.name}' should be ${specText(spec)} by the manifest, the model produced ${tensorText(t)}`,
        { name: spec.name },
      );
    }
  }
}

function dimsCompatible(declared: readonly Dim[], actual: readonly Dim[]): boolean {
  if (declared.length !== actual.length) return false;
  // A symbolic dim on either side may take any size; two fixed dims must agree.
  return declared.every((d, i) => typeof d === 'string' || typeof actual[i] === 'string' || d === actual[i]);
}

/** Throws when the loaded model's interface differs from the manifest's declaration. */
export function checkInterface(
  label: string,
  kind: 'input' | 'output',
  declared: readonly TensorSpec[],
  actual: readonly ValueInfo[],
): void {
  const actualNames = new Set(actual.map((a) => a.name));
  const missing = declared.filter((d) => !actualNames.has(d.name)).map((d) => d.name);
  const declaredNames = new Set(declared.map((d) => d.name));
  const extra = actual.filter((a) => !declaredNames.has(a.name)).map((a) => a.name);
  if (missing.length > 0 || (kind === 'input' && extra.length > 0)) {
    throw new SplitUpError(
      EngineErrorCode.TASK_MISMATCH,
      `${label}: model ${kind}s differ from the manifest (manifest only: ${missing.join(', ') || '-'}; model only: ${extra.join(', ') || '-'})`,
    );
  }
  for (const spec of declared) {
    const info = actual.find((a) => a.name === spec.name)!;
    if (info.type !== spec.dtype || !dimsCompatible(spec.shape, info.shape)) {
      throw new SplitUpError(
        EngineErrorCode.TASK_MISMATCH,
        `${label}: ${kind} '${spec.name}' is ${info.type}[${info.shape.join(', ')}] in the model, ${specText(spec)} in the manifest`,
      );
    }
  }
}
