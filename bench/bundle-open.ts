// Opening and loading a bundle: what verification costs next to reading every file once and next
// to creating the sessions alone. A bundle is read once (node/model/bundle/open.ts): each file is
// hashed exactly once, so open + load should cost about one hash pass plus the session loads.
//   baseline 1: sha256 of every task file and weights file, once (the floor of any verification);
//   baseline 2: every task's onnxruntime session created from its path, nothing verified;
//   rows: openBundle alone; openBundle + every session (`splitup run`); a worker's start on a
//   local folder (prepareBundle + openTaskRunners); and the hashes counted during each.
// Usage: npm run bench -- bundle-open [-- --layers N --width N --runs N]
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { BundleRunner } from '../node/engine/bundle-runner.js';
import { TaskRunner } from '../node/engine/task-runner.js';
import { deployModel } from '../node/model/bundle/deploy-model.js';
import { observeFileHashes, sha256File } from '../node/model/bundle/hash.js';
import { openBundle } from '../node/model/bundle/open.js';
import { estimateTaskMemory, partition } from '../node/model/partition/index.js';
import { openTaskRunners } from '../node/roles/worker/open-runners.js';
import { prepareBundle } from '../node/roles/worker/prepare-bundle.js';
import { formatSize } from '../node/util/size.js';
import { mlpModel, writeModelFile } from '../test/fixtures/small-models.js';
import { median } from './lib/stats.js';

/** 16 layers of 2048x2048 float32 weights: 256 MiB, enough for hashing to show against loading. */
const DEFAULT_LAYERS = 16;
const DEFAULT_WIDTH = 2048;
/** Budget that cuts the default model into 4 tasks of 64 MiB weights each. */
const TASK_BUDGET_BYTES = 100 * 2 ** 20;
/** Timed repetitions of each row (the median is printed); the first run also warms the page cache. */
const DEFAULT_RUNS = 5;

const { values } = parseArgs({
  options: { layers: { type: 'string' }, width: { type: 'string' }, runs: { type: 'string' } },
});
const layers = Number(values.layers ?? DEFAULT_LAYERS);
const width = Number(values.width ?? DEFAULT_WIDTH);
const runs = Number(values.runs ?? DEFAULT_RUNS);
const THREADS = { threads: 1 };

const work = mkdtempSync(join(tmpdir(), 'splitup-bench-bundle-open-'));

async function timed(label: string, body: () => Promise<void>): Promise<{ ms: number; hashes: number }> {
  await body(); // warm-up: page cache, onnxruntime's first load
  let hashes = 0;
  const stop = observeFileHashes(() => hashes++);
  const ms: number[] = [];
  try {
    for (let i = 0; i < runs; i++) {
      const t = performance.now();
      await body();
      ms.push(performance.now() - t);
    }
  } finally {
    stop();
  }
  const row = { ms: median(ms), hashes: hashes / runs };
  console.log(`  ${label.padEnd(58)} ${row.ms.toFixed(0).padStart(6)} ms   ${row.hashes} file hashes`);
  return row;
}

try {
  const modelPath = writeModelFile(join(work, 'src', 'mlp.onnx'), mlpModel({ layers, width, batch: 1 }));
  const dir = join(work, 'bundle');
  await deployModel({
    modelPath,
    outDir: dir,
    targetVramBytes: TASK_BUDGET_BYTES,
    shapes: [],
    partition: (g, target) => partition(g, { targetBytes: target }),
    estimate: (g, nodes) => estimateTaskMemory(g, nodes),
  });
  const bundle = await openBundle(dir);
  const { manifest } = bundle;
  const ids = manifest.tasks.map((t) => t.id);
  const files = manifest.tasks.flatMap((t) => [t.file, ...t.weights.map((w) => w.file)]);
  const bytes = manifest.tasks.reduce((s, t) => s + t.weights.reduce((a, w) => a + w.bytes, 0), 0);
  console.log(
    `bundle: ${manifest.tasks.length} tasks, ${files.length} files, ${formatSize(bytes)} of weights; median of ${runs} runs`,
  );

  const hashOnce = await timed('baseline: sha256 of every file once', async () => {
    for (const f of files) await sha256File(resolve(dir, f));
  });
  const loadOnly = await timed('baseline: create every session, nothing verified', async () => {
    const runners = await Promise.all(
      ids.map((id) =>
        TaskRunner.open(bundle.task(id), resolve(dir, bundle.task(id).file), manifest.runtime, THREADS),
      ),
    );
    await Promise.all(runners.map((r) => r.close()));
  });
  await timed('openBundle (manifest, DAG rules, every file verified)', async () => {
    await openBundle(dir);
  });
  const run = await timed('openBundle + every session (splitup run)', async () => {
    const runner = await BundleRunner.open(await openBundle(dir), THREADS);
    await runner.close();
  });
  const offline = {
    store: { isPinned: async () => false, exportFile: async () => '' },
    blocks: { fetch: async () => assert.fail('a local folder fetches nothing') },
  };
  const worker = await timed('worker start on a local folder (prepare + load all)', async () => {
    const prepared = await prepareBundle(dir, ids, join(work, 'worker'), offline);
    const runners = await openTaskRunners(prepared, ids, THREADS);
    await Promise.all([...runners.values()].map((r) => r.close()));
  });
  const floor = hashOnce.ms + loadOnly.ms;
  console.log(
    `  one hash pass + session loads (the floor):                  ${floor.toFixed(0).padStart(6)} ms`,
  );
  console.log(`  ratio run / floor:    ${(run.ms / floor).toFixed(2)}x`);
  console.log(`  ratio worker / floor: ${(worker.ms / floor).toFixed(2)}x`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
