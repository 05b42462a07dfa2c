// `deploy --publish`: adds every task file of a bundle (the .onnx and its external weights) to the
// deployer's weight store and records each file's CID in manifest.json.
// Reads the manifest structurally (storage/ imports nothing of ours) and keeps every other field.
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join, normalize } from 'node:path';
import { resolveInside } from '../paths/safe-path.js';
import { WeightStoreError, WeightStoreErrorCode } from './errors.js';
import type { AddProgress, WeightStore } from './store.js';

const MANIFEST_FILE = 'manifest.json';

interface PublishableFile {
  file: string;
  cid?: string;
}

interface PublishableManifest {
  tasks: Array<PublishableFile & { id: string; weights: PublishableFile[] }>;
}

export interface PublishProgress extends AddProgress {
  file: string;
}

export interface PublishResult {
  /** CID of every published file, keyed by its path relative to the bundle. */
  cids: Record<string, string>;
  manifestPath: string;
}

function checkRelative(dir: string, file: string): string {
  const result = resolveInside(dir, file);
  if (!result.ok) {
    throw new WeightStoreError(WeightStoreErrorCode.BAD_BUNDLE, `bundle file ${file} ${result.reason}`);
  }
  return normalize(file);
}

function parseManifest(text: string, path: string): PublishableManifest {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new WeightStoreError(WeightStoreErrorCode.BAD_BUNDLE, `${path} is not JSON`, { cause: err });
  }
  const tasks = (value as { tasks?: unknown }).tasks;
  const ok =
    Array.isArray(tasks) &&
    tasks.every(
      (t) =>
        typeof t?.file === 'string' &&
        Array.isArray(t.weights) &&
        t.weights.every((w: { file?: unknown }) => typeof w?.file === 'string'),
    );
  if (!ok) throw new WeightStoreError(WeightStoreErrorCode.BAD_BUNDLE, `${path} has no valid tasks list`);
  return value as PublishableManifest;
}

export async function publishBundle(
  store: WeightStore,
  bundleDir: string,
  options: { onProgress?: (p: PublishProgress) => void; signal?: AbortSignal } = {},
): Promise<PublishResult> {
  const manifestPath = join(bundleDir, MANIFEST_FILE);
  const manifest = parseManifest(await readFile(manifestPath, 'utf8'), manifestPath);
  const cids: Record<string, string> = {};
  const publish = async (entry: PublishableFile) => {
    const file = checkRelative(bundleDir, entry.file);
    cids[file] ??= (
      await store.addFile(join(bundleDir, file), {
        ...(options.signal ? { signal: options.signal } : {}),
        onProgress: (p) => options.onProgress?.({ ...p, file }),
      })
    ).toString();
    entry.cid = cids[file];
  };
  for (const task of manifest.tasks) {
    await publish(task);
    for (const weight of task.weights) await publish(weight);
  }
  const partial = `${manifestPath}.partial`;
  await writeFile(partial, `${JSON.stringify(manifest, null, 2)}\n`);
  await rename(partial, manifestPath);
  return { cids, manifestPath };
}
