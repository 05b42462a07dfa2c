// A bundle's manifest alone: its schema (storage/bundle/parse-manifest.ts) and the DAG rules
// (node/model/dag). What openBundle starts from; also for a reader that holds no task files.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BundleError, BundleErrorCode } from '../../../storage/bundle/errors.js';
import { type BundleManifest, MANIFEST_FILE } from '../../../storage/bundle/manifest.js';
import { parseManifest } from '../../../storage/bundle/parse-manifest.js';
import { assertValidDag } from '../dag/index.js';

/** The schema, then the DAG rules; `label` names the manifest in errors. */
export function checkManifestText(text: string, label: string): BundleManifest {
  const manifest = parseManifest(text, label);
  assertValidDag(manifest);
  return manifest;
}

/** Reads manifest.json of `dir`, failing with BUNDLE_FILE_MISSING when there is none. */
export function readManifestBytes(dir: string): Buffer {
  const path = join(dir, MANIFEST_FILE);
  try {
    return readFileSync(path);
  } catch (err) {
    throw new BundleError(
      BundleErrorCode.FILE_MISSING,
      `${dir} has no readable ${MANIFEST_FILE} (${(err as NodeJS.ErrnoException).code ?? 'unreadable'}); is it a bundle folder?`,
      { file: path },
      { cause: err },
    );
  }
}

/**
 * The checked manifest of `dir`, without touching task files. A reader that runs tasks opens the
 * bundle instead (openBundle), which also verifies their files.
 */
export function readManifest(dir: string): BundleManifest {
  return checkManifestText(readManifestBytes(dir).toString('utf8'), join(dir, MANIFEST_FILE));
}
