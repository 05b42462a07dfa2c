// What a worker does before it reports ready for a task: for every file of the task (the .onnx and
// its weights), fetch the DAG by CID from providers found over the DHT unless it is already pinned,
// then assemble the file under `destDir` with its manifest name, checking its sha256.
import type { WeightFile } from '../../storage/bundle/manifest.js';
import { resolveInside } from '../../storage/paths/safe-path.js';
import { parseCid, type WeightStore } from '../../storage/weights/index.js';
import { BlocksError, BlocksErrorCode } from './errors.js';
import type { Blocks } from './index.js';

/** A task file as the bundle manifest lists it (the .onnx or a weights file). */
export type TaskFileRef = Pick<WeightFile, 'file' | 'sha256' | 'cid'>;

export interface TaskFileProgress {
  file: string;
  bytes: number;
  totalBytes: number | undefined;
  /** True when the file was already pinned locally and nothing was fetched. */
  cached: boolean;
}

export async function fetchTaskFiles(
  files: readonly TaskFileRef[],
  deps: { store: Pick<WeightStore, 'isPinned' | 'exportFile'>; blocks: Pick<Blocks, 'fetch'> },
  destDir: string,
  options: { onProgress?: (p: TaskFileProgress) => void; signal?: AbortSignal } = {},
): Promise<Record<string, string>> {
  const paths: Record<string, string> = {};
  for (const ref of files) {
    if (ref.cid === undefined) {
      throw new BlocksError(
        BlocksErrorCode.NO_CID,
        `task file ${ref.file} has no CID (deploy with --publish)`,
      );
    }
    const checked = resolveInside(destDir, ref.file);
    if (!checked.ok) {
      throw new BlocksError(BlocksErrorCode.MALFORMED_RESPONSE, `task file ${ref.file} ${checked.reason}`);
    }
    const cid = parseCid(ref.cid);
    if (await deps.store.isPinned(cid)) {
      options.onProgress?.({ file: ref.file, bytes: 0, totalBytes: undefined, cached: true });
    } else {
      await deps.blocks.fetch(cid, {
        ...(options.signal ? { signal: options.signal } : {}),
        onProgress: (p) => options.onProgress?.({ file: ref.file, ...p, cached: false }),
      });
    }
    paths[ref.file] = await deps.store.exportFile(cid, {
      sha256: ref.sha256,
      destination: checked.path,
      ...(options.signal ? { signal: options.signal } : {}),
    });
  }
  return paths;
}
