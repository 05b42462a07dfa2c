// Reads and verifies a task bundle: schema, file names confined to the bundle folder, content
// hashes of every task file and weights file, and the external-data locations inside each task.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  type BundleManifest,
  MANIFEST_FILE,
  MANIFEST_SCHEMA,
  type TaskManifest,
} from '../../../storage/bundle/manifest.js';
import { isDType } from '../../../storage/tensors/tensor.js';
import { SplitUpError } from '../../errors.js';
import { safeExternalPath } from '../onnx/external-data.js';
import { loadOnnxModel } from '../onnx/load.js';
import { assertStandardOperators } from '../onnx/safety.js';
import { BundleErrorCode } from './errors.js';
import { sha256File } from './hash.js';

function invalid(message: string, details?: Record<string, unknown>): SplitUpError {
  return new SplitUpError(BundleErrorCode.MANIFEST_INVALID, message, details);
}

function checkTaskShape(t: TaskManifest, i: number): void {
  if (!t || typeof t.id !== 'string' || typeof t.file !== 'string' || typeof t.sha256 !== 'string') {
    throw invalid(`task #${i} lacks id, file or sha256`);
  }
  for (const spec of [...(t.inputs ?? []), ...(t.outputs ?? [])]) {
    if (!spec || typeof spec.name !== 'string' || !isDType(spec.dtype) || !Array.isArray(spec.shape)) {
      throw invalid(`task '${t.id}' has a malformed tensor spec`, { task: t.id });
    }
  }
  if (!Array.isArray(t.weights) || !Array.isArray(t.inputs) || !Array.isArray(t.outputs)) {
    throw invalid(`task '${t.id}' lacks inputs, outputs or weights`, { task: t.id });
  }
}

/** Parses `manifest.json` of `dir` and checks its schema; does not touch task files. */
export function readManifest(dir: string): BundleManifest {
  const path = join(dir, MANIFEST_FILE);
  if (!existsSync(path)) {
    throw new SplitUpError(
      BundleErrorCode.FILE_MISSING,
      `${dir} has no ${MANIFEST_FILE}; is it a bundle folder?`,
      {
        file: path,
      },
    );
  }
  let manifest: BundleManifest;
  try {
    manifest = JSON.parse(readFileSync(path, 'utf8')) as BundleManifest;
  } catch (err) {
    throw invalid(`${path} is not valid JSON: ${(err as Error).message}`);
  }
  if (manifest?.schema !== MANIFEST_SCHEMA) {
    throw invalid(
      `${path} has schema '${String(manifest?.schema)}'; this version reads '${MANIFEST_SCHEMA}'`,
    );
  }
  if (!Array.isArray(manifest.tasks) || !Array.isArray(manifest.connections) || !manifest.model) {
    throw invalid(`${path} lacks model, tasks or connections`);
  }
  manifest.tasks.forEach(checkTaskShape);
  return manifest;
}

function verifyFile(dir: string, file: string, sha256: string, what: string): void {
  const full = safeExternalPath(dir, file, what);
  if (!existsSync(full)) {
    throw new SplitUpError(BundleErrorCode.FILE_MISSING, `${what}: file '${file}' is missing from ${dir}`, {
      file,
    });
  }
  const actual = sha256File(full);
  if (actual !== sha256) {
    throw new SplitUpError(
      BundleErrorCode.HASH_MISMATCH,
      `${what}: '${file}' has sha256 ${actual}, but the manifest says ${sha256} (modified or corrupt file)`,
      { file, expected: sha256, actual },
    );
  }
}

/** Reads the manifest and verifies every file it names; also loads each task model with all checks. */
export function readBundle(dir: string): BundleManifest {
  const root = resolve(dir);
  const manifest = readManifest(root);
  for (const task of manifest.tasks) {
    verifyFile(root, task.file, task.sha256, `task '${task.id}'`);
    for (const w of task.weights) verifyFile(root, w.file, w.sha256, `task '${task.id}' weights`);
    const loaded = loadOnnxModel(join(root, task.file));
    assertStandardOperators(loaded.model, { allowOrtFusions: true });
  }
  return manifest;
}
