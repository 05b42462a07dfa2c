// A worker's start-up after its peer is online: fetch its tasks' files (retrying while the
// DHT has no provider yet, e.g. before the bootstrap peer answered), load their sessions, and
// only then accept assignments and list the tasks in its heartbeats.
import type { Blocks } from '../../../protocols/blocks/index.js';
import type { WeightStore } from '../../../storage/weights/index.js';
import { SplitUpError } from '../../errors.js';
import { FETCH_DEADLINE_MS, retryWhileNoProviders } from '../provider-retry.js';
import { WorkerErrorCode } from './errors.js';
import { FetchProgressReporter } from './fetch-progress.js';
import { openTaskRunners } from './open-runners.js';
import { prepareBundle } from './prepare-bundle.js';
import type { WorkerExecutor } from './worker-executor.js';

export interface WorkerStartOptions {
  bundle: string;
  tasks: readonly string[];
  dataDir: string;
  threads?: number;
  store: Pick<WeightStore, 'isPinned' | 'exportFile'>;
  blocks: Pick<Blocks, 'fetch'>;
  executor: WorkerExecutor;
  log: (event: string, fields: Record<string, unknown>) => void;
  /** Warnings (no provider found yet); default: `log`. */
  warn?: (event: string, fields: Record<string, unknown>) => void;
  signal?: AbortSignal;
  deadlineMs?: number;
}

export async function startWorkerTasks(opts: WorkerStartOptions): Promise<{ bundleId: string }> {
  const deps = { store: opts.store, blocks: opts.blocks };
  const progress = new FetchProgressReporter(opts.log);
  const deadlineMs = opts.deadlineMs ?? FETCH_DEADLINE_MS;
  const prepared = await retryWhileNoProviders(
    (transferring) =>
      prepareBundle(opts.bundle, opts.tasks, opts.dataDir, deps, {
        ...(opts.signal ? { signal: opts.signal } : {}),
        onProgress: (p) => {
          transferring();
          progress.update(p);
        },
      }),
    {
      bundle: opts.bundle,
      warn: opts.warn ?? opts.log,
      deadlineMs,
      ...(opts.signal ? { signal: opts.signal } : {}),
      onGiveUp: (cause) =>
        new SplitUpError(
          WorkerErrorCode.BUNDLE_UNAVAILABLE,
          `no peer provided bundle ${opts.bundle} within ${deadlineMs / 1000} s: check the CID, and that --bootstrap reaches a peer that published or fetched it`,
          { bundle: opts.bundle },
          { cause },
        ),
    },
  );
  opts.log('worker.loading', { bundleId: prepared.id, tasks: opts.tasks, dir: prepared.dir });
  const runners = await openTaskRunners(prepared, opts.tasks, {
    ...(opts.threads === undefined ? {} : { threads: opts.threads }),
  });
  opts.executor.load({ manifest: prepared.manifest, bundleId: prepared.id, runners });
  return { bundleId: prepared.id };
}
