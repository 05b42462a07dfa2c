// Before a worker reports ready: get the bundle's manifest (from a local folder, or by CID over
// the network), check it, and open the bundle for the worker's tasks: files already on disk are
// hashed once, missing ones are fetched by CID from providers found over the DHT (verified as they
// are written) into a folder under the data dir. A user's own folder is read, never written.
import { existsSync, statSync } from 'node:fs';
import { copyFile, mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { type Blocks, fetchTaskFiles, type TaskFileProgress } from '../../../protocols/blocks/index.js';
import { MANIFEST_FILE } from '../../../storage/bundle/manifest.js';
import { parseCid, type WeightStore } from '../../../storage/weights/index.js';
import { SplitUpError } from '../../errors.js';
import { type BundleFileRef, openBundle, type VerifiedBundle } from '../../model/bundle/open.js';
import { WorkerErrorCode } from './errors.js';
import { assertTasksKnown } from './open-runners.js';

/** Folder under the data dir where fetched bundles are assembled, one per bundle. */
const BUNDLES_DIR = 'bundles';

export interface PrepareDeps {
  store: Pick<WeightStore, 'isPinned' | 'exportFile'>;
  blocks: Pick<Blocks, 'fetch'>;
}

export interface PrepareOptions {
  onProgress?: (p: TaskFileProgress) => void;
  signal?: AbortSignal;
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
 * Resolves `bundle` (folder or manifest CID) and returns it opened for `taskIds`: manifest checked
 * (a tampered one is refused), each task file verified, fetched over the network when missing.
 */
export async function prepareBundle(
  bundle: string,
  taskIds: readonly string[],
  dataDir: string,
  deps: PrepareDeps,
  options: PrepareOptions = {},
): Promise<VerifiedBundle> {
  const local = resolve(bundle);
  const isFolder = existsSync(join(local, MANIFEST_FILE)) && statSync(local).isDirectory();
  const source = isFolder ? local : await manifestByCid(bundle, dataDir, deps, options.signal);
  const manifestOnly = await openBundle(source, { tasks: [] });
  assertTasksKnown(manifestOnly.manifest, taskIds);
  const fetchInto = (dir: string) => async (files: readonly BundleFileRef[]) => {
    await fetchTaskFiles(files, deps, dir, options);
  };
  if (!isFolder) return openBundle(source, { tasks: taskIds, fetchMissing: fetchInto(source) });

  // The user's folder: used as it is when it holds every file (a changed file is refused there);
  // otherwise the bundle is assembled under the data dir from the network.
  const files = taskIds.flatMap((id) => {
    const task = manifestOnly.task(id);
    return [task.file, ...task.weights.map((w) => w.file)];
  });
  if (files.every((f) => existsSync(join(local, f)))) return openBundle(local, { tasks: taskIds });
  const target = join(dataDir, BUNDLES_DIR, manifestOnly.id);
  await mkdir(target, { recursive: true });
  await copyFile(join(local, MANIFEST_FILE), join(target, MANIFEST_FILE));
  return openBundle(target, { tasks: taskIds, fetchMissing: fetchInto(target) });
}
