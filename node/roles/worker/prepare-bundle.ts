// Before a worker reports ready: get the bundle's manifest (from a local folder, or by CID over
// the network), fetch each of its tasks' files by CID from providers found over the DHT (unless
// the folder already holds them with the right hash), verify and pin them.
import { existsSync, statSync } from 'node:fs';
import { copyFile, mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { type Blocks, fetchTaskFiles, type TaskFileProgress } from '../../../protocols/blocks/index.js';
import { type BundleManifest, MANIFEST_FILE, type TaskManifest } from '../../../storage/bundle/manifest.js';
import { parseCid, type WeightStore } from '../../../storage/weights/index.js';
import { SplitUpError } from '../../errors.js';
import { bundleIdOf } from '../../model/bundle/bundle-id.js';
import { sha256File } from '../../model/bundle/hash.js';
import { readManifest } from '../../model/bundle/read.js';
import { WorkerErrorCode } from './errors.js';

/** Folder under the data dir where fetched bundles are assembled, one per bundle id. */
export const BUNDLES_DIR = 'bundles';

export interface PreparedBundle {
  dir: string;
  manifest: BundleManifest;
  bundleId: string;
}

export interface PrepareDeps {
  store: Pick<WeightStore, 'isPinned' | 'exportFile'>;
  blocks: Pick<Blocks, 'fetch'>;
}

function filesOf(task: TaskManifest): { file: string; sha256: string; cid?: string }[] {
  return [{ file: task.file, sha256: task.sha256, ...(task.cid ? { cid: task.cid } : {}) }, ...task.weights];
}

function hasFile(dir: string, file: string, sha256: string): boolean {
  const path = join(dir, file);
  return existsSync(path) && sha256File(path) === sha256;
}

function chosenTasks(manifest: BundleManifest, taskIds: readonly string[]): TaskManifest[] {
  return taskIds.map((id) => {
    const task = manifest.tasks.find((t) => t.id === id);
    if (task === undefined)
      throw new SplitUpError(
        WorkerErrorCode.UNKNOWN_TASK,
        `the bundle has no task '${id}' (it has ${manifest.tasks.map((t) => t.id).join(', ')})`,
        { task: id },
      );
    return task;
  });
}

async function manifestByCid(
  text: string,
  dataDir: string,
  deps: PrepareDeps,
  signal: AbortSignal | undefined,
): Promise<string> {
  let cid: ReturnType<typeof parseCid>;
  try {
    cid = parseCid(text);
  } catch {
    throw new SplitUpError(
      WorkerErrorCode.BUNDLE_NOT_FOUND,
      `--bundle '${text}' is neither a bundle folder (with ${MANIFEST_FILE}) nor a CID`,
    );
  }
  const dir = join(dataDir, BUNDLES_DIR, cid.toString());
  await mkdir(dir, { recursive: true });
  if (!(await deps.store.isPinned(cid))) await deps.blocks.fetch(cid, signal ? { signal } : {});
  await deps.store.exportFile(cid, { destination: join(dir, MANIFEST_FILE), ...(signal ? { signal } : {}) });
  return dir;
}

/**
 * Resolves `bundle` (folder or manifest CID) and makes sure the files of `taskIds` are present and
 * verified in the returned folder, fetching over the network what is missing.
 */
export async function prepareBundle(
  bundle: string,
  taskIds: readonly string[],
  dataDir: string,
  deps: PrepareDeps,
  options: { onProgress?: (p: TaskFileProgress) => void; signal?: AbortSignal } = {},
): Promise<PreparedBundle> {
  const local = resolve(bundle);
  const isFolder = existsSync(join(local, MANIFEST_FILE)) && statSync(local).isDirectory();
  let dir = isFolder ? local : await manifestByCid(bundle, dataDir, deps, options.signal);
  const manifest = readManifest(dir);
  const tasks = chosenTasks(manifest, taskIds);
  const missing = tasks.flatMap(filesOf).filter((f) => !hasFile(dir, f.file, f.sha256));
  if (missing.length > 0) {
    const bundleId = bundleIdOf(dir);
    const target = join(dataDir, BUNDLES_DIR, bundleId);
    if (target !== dir) {
      await mkdir(target, { recursive: true });
      await copyFile(join(dir, MANIFEST_FILE), join(target, MANIFEST_FILE));
      dir = target;
    }
    await fetchTaskFiles(
      missing.filter((f) => !hasFile(dir, f.file, f.sha256)),
      deps,
      dir,
      options,
    );
  }
  return { dir, manifest, bundleId: bundleIdOf(dir) };
}
