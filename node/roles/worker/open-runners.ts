// Loads the sessions of the tasks a worker specializes in, so they stay loaded between task
// instances (weights resident, as the seeds ask of a specialized node). The bundle was opened for
// those tasks (prepareBundle), so their files are verified and are not hashed again.
import type { BundleManifest } from '../../../storage/bundle/manifest.js';
import { TaskRunner } from '../../engine/task-runner.js';
import { SplitUpError } from '../../errors.js';
import type { VerifiedBundle } from '../../model/bundle/open.js';
import { WorkerErrorCode } from './errors.js';

/** WORKER_UNKNOWN_TASK for the first id the bundle does not have. */
export function assertTasksKnown(manifest: BundleManifest, taskIds: readonly string[]): void {
  for (const id of taskIds) {
    if (!manifest.tasks.some((t) => t.id === id)) {
      throw new SplitUpError(
        WorkerErrorCode.UNKNOWN_TASK,
        `the bundle has no task '${id}' (it has ${manifest.tasks.map((t) => t.id).join(', ')})`,
        { task: id },
      );
    }
  }
}

export async function openTaskRunners(
  bundle: VerifiedBundle,
  taskIds: readonly string[],
  opts: { threads?: number; onLoaded?: (taskId: string) => void } = {},
): Promise<Map<string, TaskRunner>> {
  if (taskIds.length === 0)
    throw new SplitUpError(WorkerErrorCode.NO_TASKS, 'a worker needs at least one task to run');
  assertTasksKnown(bundle.manifest, taskIds);
  const runners = new Map<string, TaskRunner>();
  try {
    for (const id of taskIds) {
      if (runners.has(id)) continue;
      runners.set(
        id,
        await TaskRunner.openTask(bundle, id, opts.threads === undefined ? {} : { threads: opts.threads }),
      );
      opts.onLoaded?.(id);
    }
  } catch (err) {
    await Promise.allSettled([...runners.values()].map((r) => r.close()));
    throw err;
  }
  return runners;
}
