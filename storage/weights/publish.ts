// Publishing a bundle (`deploy --publish`, the demo's deployer): every task file (the .onnx and its
// external weights) goes into the deployer's weight store, each file's CID into manifest.json, and
// then the manifest itself, whose CID names the bundle: a worker started with it fetches the rest.
import { readFile } from 'node:fs/promises';
import { join, normalize } from 'node:path';
import { MANIFEST_FILE, type WeightFile } from '../bundle/manifest.js';
import { parseManifest } from '../bundle/parse-manifest.js';
import { resolveInside } from '../paths/safe-path.js';
import { AtomicWriter } from './atomic-write.js';
import { WeightStoreError, WeightStoreErrorCode } from './errors.js';
import type { AddProgress, WeightStore } from './store.js';

export interface PublishProgress extends AddProgress {
  file: string;
}

export interface PublishResult {
  /** CID of the manifest as published: what workers are started with. */
  bundleCid: string;
  /** CID of every published task file, keyed by its path relative to the bundle. */
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

export async function publishBundle(
  store: WeightStore,
  bundleDir: string,
  options: { onProgress?: (p: PublishProgress) => void; signal?: AbortSignal } = {},
): Promise<PublishResult> {
  const manifestPath = join(bundleDir, MANIFEST_FILE);
  const manifest = parseManifest(await readFile(manifestPath, 'utf8'), manifestPath);
  const cids: Record<string, string> = {};
  const signal = options.signal ? { signal: options.signal } : {};
  const publish = async (entry: Pick<WeightFile, 'file' | 'cid'>) => {
    const file = checkRelative(bundleDir, entry.file);
    cids[file] ??= (
      await store.addFile(join(bundleDir, file), {
        ...signal,
        onProgress: (p) => options.onProgress?.({ ...p, file }),
      })
    ).toString();
    entry.cid = cids[file];
  };
  for (const task of manifest.tasks) {
    await publish(task);
    for (const weight of task.weights) await publish(weight);
  }
  // The manifest goes last, now holding every file's CID: its bytes are the bundle.
  const bytes = new TextEncoder().encode(`${JSON.stringify(manifest, null, 2)}\n`);
  await new AtomicWriter().write(manifestPath, bytes, options.signal);
  const bundleCid = (await store.addBytes(bytes, signal)).toString();
  return { bundleCid, cids, manifestPath };
}
