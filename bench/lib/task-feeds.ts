// Runs a bundle task by task in DAG order and writes every task's input feeds as .npy files
// (`<dir>/<task>/<encoded input name>.npy`), so a task can later be run alone, e.g. to measure it.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { planBundle, tensorKey } from '../../node/engine/bundle-plan.js';
import { TaskRunner } from '../../node/engine/task-runner.js';
import { writeNpyFile } from '../../node/tensor/npy-file.js';
import { type BundleManifest, MODEL_ENDPOINT } from '../../storage/bundle/manifest.js';
import type { Tensor } from '../../storage/tensors/tensor.js';

/** File name of a feed: ONNX tensor names may hold '/' and ':'. */
export function feedFileName(tensor: string): string {
  return `${encodeURIComponent(tensor)}.npy`;
}

/** Writes the feeds of every task; returns task id -> its feeds folder. */
export async function writeTaskFeeds(
  bundleDir: string,
  manifest: BundleManifest,
  inputs: Record<string, Tensor>,
  dir: string,
): Promise<Map<string, string>> {
  const plan = planBundle(manifest);
  const produced = new Map<string, Tensor>();
  for (const [name, t] of Object.entries(inputs))
    produced.set(tensorKey({ task: MODEL_ENDPOINT, tensor: name }), t);
  const folders = new Map<string, string>();
  for (const step of plan.order) {
    const folder = join(dir, step.task.id);
    mkdirSync(folder, { recursive: true });
    const feeds: Record<string, Tensor> = {};
    for (const [input, src] of step.sources) {
      const t = produced.get(tensorKey(src));
      if (!t) throw new Error(`no value for ${src.task}/${src.tensor} (input ${input} of ${step.task.id})`);
      feeds[input] = t;
      await writeNpyFile(join(folder, feedFileName(input)), t);
    }
    const runner = await TaskRunner.openTask(bundleDir, step.task, manifest.runtime, { threads: 1 });
    try {
      const out = await runner.run(feeds, { returnState: true });
      for (const [name, t] of Object.entries(out))
        produced.set(tensorKey({ task: step.task.id, tensor: name }), t);
    } finally {
      await runner.close();
    }
    folders.set(step.task.id, folder);
  }
  return folders;
}
