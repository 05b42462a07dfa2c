// The unsplit model a bundle came from, run with the bundle's runtime settings: the reference
// `splitup run --check` compares the split run against.
import { access } from 'node:fs/promises';
import type { BundleManifest } from '../../storage/bundle/manifest.js';
import { SplitUpError } from '../errors.js';
import { EngineErrorCode } from './errors.js';
import { sha256File, TaskRunner } from './task-runner.js';

/** Opens manifest.model.sourcePath after checking it is the file deploy split (same sha256). */
export async function openWholeModel(
  manifest: BundleManifest,
  opts: { threads?: number } = {},
): Promise<TaskRunner> {
  const { sourcePath, sourceSha256 } = manifest.model;
  if (typeof sourcePath !== 'string' || sourcePath === '') {
    throw new SplitUpError(
      EngineErrorCode.SOURCE_MISSING,
      'the manifest does not record the source model path (model.sourcePath)',
    );
  }
  try {
    await access(sourcePath);
  } catch {
    throw new SplitUpError(
      EngineErrorCode.SOURCE_MISSING,
      `source model ${sourcePath} (recorded at deploy) does not exist`,
      {
        sourcePath,
      },
    );
  }
  const actual = await sha256File(sourcePath);
  if (actual !== sourceSha256) {
    throw new SplitUpError(
      EngineErrorCode.SOURCE_CHANGED,
      `source model ${sourcePath} has sha256 ${actual}, but the bundle was deployed from ${sourceSha256}; it changed since deploy`,
      { sourcePath, expected: sourceSha256, actual },
    );
  }
  const spec = {
    id: `${manifest.model.name} (unsplit)`,
    inputs: manifest.model.inputs,
    outputs: manifest.model.outputs,
    state: [],
  };
  return TaskRunner.open(spec, sourcePath, manifest.runtime, opts);
}
