// A worker's start-up after its peer is online: fetch its tasks' files (retrying while the
// DHT has no provider yet, e.g. before the bootstrap peer answered), load their sessions, and
// only then accept assignments and list the tasks in its heartbeats.
import type { Blocks } from '../../../protocols/blocks/index.js';
import { BlocksError, BlocksErrorCode } from '../../../protocols/blocks/index.js';
import type { WeightStore } from '../../../storage/weights/index.js';
import { SplitUpError } from '../../errors.js';
import { WorkerErrorCode } from './errors.js';
import { FetchProgressReporter } from './fetch-progress.js';
import { openTaskRunners } from './open-runners.js';
import { prepareBundle } from './prepare-bundle.js';
import type { WorkerExecutor } from './worker-executor.js';

/** How long a starting worker keeps looking for providers of its bundle. */
export const FETCH_DEADLINE_MS = 120_000;
/** Pause between provider look-ups while none is found. */
export const FETCH_RETRY_MS = 1_000;

export interface WorkerStartOptions {
  bundle: string;
  tasks: readonly string[];
  dataDir: string;
  threads?: number;
  store: Pick<WeightStore, 'isPinned' | 'exportFile'>;
  blocks: Pick<Blocks, 'fetch'>;
  executor: WorkerExecutor;
  log: (event: string, fields: Record<string, unknown>) => void;
  signal?: AbortSignal;
}

function retriable(err: unknown): boolean {
  return err instanceof BlocksError && err.code === BlocksErrorCode.NO_PROVIDERS;
}

export async function startWorkerTasks(opts: WorkerStartOptions): Promise<{ bundleId: string }> {
  const deadline = Date.now() + FETCH_DEADLINE_MS;
  const deps = { store: opts.store, blocks: opts.blocks };
  const progress = new FetchProgressReporter(opts.log);
  for (;;) {
    try {
      const prepared = await prepareBundle(opts.bundle, opts.tasks, opts.dataDir, deps, {
        ...(opts.signal ? { signal: opts.signal } : {}),
        onProgress: (p) => progress.update(p),
      });
      opts.log('worker.loading', { bundleId: prepared.bundleId, tasks: opts.tasks, dir: prepared.dir });
      const runners = await openTaskRunners(prepared.dir, prepared.manifest, opts.tasks, {
        ...(opts.threads === undefined ? {} : { threads: opts.threads }),
      });
      opts.executor.load({ manifest: prepared.manifest, bundleId: prepared.bundleId, runners });
      return { bundleId: prepared.bundleId };
    } catch (err) {
      if (!retriable(err) || Date.now() + FETCH_RETRY_MS > deadline || opts.signal?.aborted) {
        if (retriable(err))
          throw new SplitUpError(
            WorkerErrorCode.BUNDLE_UNAVAILABLE,
            `no peer provided bundle ${opts.bundle} within ${FETCH_DEADLINE_MS / 1000} s`,
            {},
            { cause: err },
          );
        throw err;
      }
      await new Promise((r) => setTimeout(r, FETCH_RETRY_MS));
    }
  }
}
