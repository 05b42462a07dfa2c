// Where the deployer's source model lives, kept beside the manifest but out of it: the manifest
// is published, and a path would tell the network about the deployer's folders. Only deploy
// writes this file and only `run --check` reads it; publishing never adds it.
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const SOURCE_RECORD_FILE = 'source.local.json';

export function writeSourceRecord(bundleDir: string, sourcePath: string): void {
  writeFileSync(join(bundleDir, SOURCE_RECORD_FILE), `${JSON.stringify({ path: resolve(sourcePath) })}\n`);
}

/** The recorded source model path, or undefined when this bundle was not deployed here. */
export function readSourceRecord(bundleDir: string): string | undefined {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(join(bundleDir, SOURCE_RECORD_FILE), 'utf8'));
  } catch {
    return undefined; // absent or not ours: the caller asks for the model by name
  }
  const path = (value as { path?: unknown } | null)?.path;
  return typeof path === 'string' && path !== '' ? path : undefined;
}
