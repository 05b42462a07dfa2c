// The unsplit model a bundle came from, run with the bundle's runtime settings: the reference
// `splitup run --check` and the demo compare the split run against. The manifest names it by
// sha256 only; where it lives is recorded locally by deploy (source-record.ts) or given by the user.
import { access } from 'node:fs/promises';
import type { BundleManifest } from '../../storage/bundle/manifest.js';
import { SplitUpError } from '../errors.js';
import { sha256File } from '../model/bundle/hash.js';
import { readSourceRecord, SOURCE_RECORD_FILE } from '../model/bundle/source-record.js';
import { EngineErrorCode } from './errors.js';
import { TaskRunner } from './task-runner.js';

export interface WholeModelOptions {
  threads?: number;
  /** The source model file; default: the one deploy recorded beside the manifest. */
  sourcePath?: string;
}

/** Opens the source model after checking it is the file deploy split (same sha256). */
export async function openWholeModel(
  bundle: { dir: string; manifest: BundleManifest },
  opts: WholeModelOptions = {},
): Promise<TaskRunner> {
  const { manifest } = bundle;
  const sourcePath = opts.sourcePath ?? readSourceRecord(bundle.dir);
  if (sourcePath === undefined) {
    throw new SplitUpError(
      EngineErrorCode.SOURCE_MISSING,
      `${bundle.dir} has no ${SOURCE_RECORD_FILE} (the bundle was not deployed on this machine); name the source model with --source <model.onnx>`,
      { bundle: bundle.dir },
    );
  }
  try {
    await access(sourcePath);
  } catch {
    throw new SplitUpError(EngineErrorCode.SOURCE_MISSING, `source model ${sourcePath} does not exist`, {
      sourcePath,
    });
  }
  const actual = await sha256File(sourcePath);
  if (actual !== manifest.model.sourceSha256) {
    throw new SplitUpError(
      EngineErrorCode.SOURCE_CHANGED,
      `source model ${sourcePath} has sha256 ${actual}, but the bundle was deployed from ${manifest.model.sourceSha256}; it is another file or it changed since deploy`,
      { sourcePath, expected: manifest.model.sourceSha256, actual },
    );
  }
  const spec = {
    id: `${manifest.model.name} (unsplit)`,
    inputs: manifest.model.inputs,
    outputs: manifest.model.outputs,
    state: [],
  };
  return TaskRunner.open(
    spec,
    sourcePath,
    manifest.runtime,
    opts.threads === undefined ? {} : { threads: opts.threads },
  );
}
