// Loads the sessions of the tasks a worker specializes in, so they stay loaded between task
// instances (weights resident, as the seeds ask of a specialized node).

import type { BundleManifest } from '../../../storage/bundle/manifest.js';
import { TaskRunner } from '../../engine/task-runner.js';
import { SplitUpError } from '../../errors.js';
import { WorkerErrorCode } from './errors.js';

export async function openTaskRunners(
  bundleDir: string,
  manifest: BundleManifest,
  taskIds: readonly string[],
  opts: { threads?: number; onLoaded?: (taskId: string) => void } = {},
): Promise<Map<string, TaskRunner>> {
  if (taskIds.length === 0)
    throw new SplitUpError(WorkerErrorCode.NO_TASKS, 'a worker needs at least one task to run');
  const runners = new Map<string, TaskRunner>();
  try {
    for (const id of taskIds) {
      const task = manifest.tasks.find((t) => t.id === id);
      if (task === undefined) {
        const known = manifest.tasks.map((t) => t.id).join(', ');
        throw new SplitUpError(
          WorkerErrorCode.UNKNOWN_TASK,
          `the bundle has no task '${id}' (it has ${known})`,
          {
            task: id,
          },
        );
      }
      if (runners.has(id)) continue;
      runners.set(
        id,
        await TaskRunner.openTask(bundleDir, task, manifest.runtime, {
          ...(opts.threads === undefined ? {} : { threads: opts.threads }),
        }),
      );
      opts.onLoaded?.(id);
    }
  } catch (err) {
    await Promise.allSettled([...runners.values()].map((r) => r.close()));
    throw err;
  }
  return runners;
}
