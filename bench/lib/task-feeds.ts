// Runs a bundle task by task in DAG order and writes every task's input feeds as .npy files
// (`<dir>/<task>/<encoded input name>.npy`), so a task can later be run alone, e.g. to measure it.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { scheduleBundle } from '../../node/engine/execution-schedule.js';
import { TaskRunner } from '../../node/engine/task-runner.js';
import { openBundle } from '../../node/model/bundle/open.js';
import { endpointKey } from '../../node/model/bundle/wiring.js';
import { writeNpyFile } from '../../node/tensor/npy-file.js';
import { MODEL_ENDPOINT } from '../../storage/bundle/manifest.js';
import type { Tensor } from '../../storage/tensors/tensor.js';

/** File name of a feed: ONNX tensor names may hold '/' and ':'. */
export function feedFileName(tensor: string): string {
  return `${encodeURIComponent(tensor)}.npy`;
}

/** Writes the feeds of every task; returns task id -> its feeds folder. */
export async function writeTaskFeeds(
  bundleDir: string,
  inputs: Record<string, Tensor>,
  dir: string,
): Promise<Map<string, string>> {
  const bundle = await openBundle(bundleDir);
  const produced = new Map<string, Tensor>();
  for (const [name, t] of Object.entries(inputs))
    produced.set(endpointKey({ task: MODEL_ENDPOINT, tensor: name }), t);
  const folders = new Map<string, string>();
  for (const step of scheduleBundle(bundle).order) {
    const folder = join(dir, step.task.id);
    mkdirSync(folder, { recursive: true });
    const feeds: Record<string, Tensor> = {};
    for (const [input, src] of step.sources) {
      const t = produced.get(endpointKey(src))!; // the schedule's order runs every producer first
      feeds[input] = t;
      await writeNpyFile(join(folder, feedFileName(input)), t);
    }
    const runner = await TaskRunner.openTask(bundle, step.task.id, { threads: 1 });
    try {
      const out = await runner.run(feeds, { returnState: true });
      for (const [name, t] of Object.entries(out))
        produced.set(endpointKey({ task: step.task.id, tensor: name }), t);
    } finally {
      await runner.close();
    }
    folders.set(step.task.id, folder);
  }
  return folders;
}
