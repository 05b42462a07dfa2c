// Acceptance: a generated Llama-shaped decoder, deployed through the real CLI under a VRAM budget
// that forces several tasks, decodes 16 steps task by task with each task keeping its own KV cache,
// and every step's logits are bit-identical to the whole model's (plain onnxruntime, cache fed back).
//
// Default size keeps CI short; the DONE run is SPLITUP_E2E_TRANSFORMER_SIZE=3GB
// SPLITUP_E2E_TRANSFORMER_BUDGET=1GiB (about 5 minutes on 2 cores).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { BundleRunner } from '../../node/engine/bundle-runner.js';
import { deterministicSessionOptions } from '../../node/engine/session-options.js';
import { readManifest } from '../../node/model/bundle/read.js';
import { parseSize } from '../../node/util/size.js';
import type { Tensor } from '../../storage/tensors/tensor.js';
import { openSession, runSession } from '../fixtures/ort-session.js';
import { DIMS, writeTransformer } from '../fixtures/transformer.js';
import { configForSize, transformerWeightBytes } from '../fixtures/transformer-config.js';
import { allFinite, decode } from '../fixtures/transformer-decode.js';
import { DEFAULT_DECODE_PLAN, emptyPast, stepInputs } from '../fixtures/transformer-feeds.js';

const SIZE = process.env.SPLITUP_E2E_TRANSFORMER_SIZE ?? '200MB';
const BUDGET = process.env.SPLITUP_E2E_TRANSFORMER_BUDGET ?? '64MiB';
/** The split must be real: at least this many tasks. */
const MIN_TASKS = 3;
/** Threads per session: the machine's 2 cores shared by whole model and tasks. */
const THREADS = 2;

const repo = fileURLToPath(new URL('../..', import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'splitup-e2e-transformer-'));
after(() => rmSync(root, { recursive: true, force: true }));

function log(line: string): void {
  process.stderr.write(`# transformer-decode: ${line}\n`);
}

describe(`transformer decode, ${SIZE} split under ${BUDGET}`, () => {
  const plan = DEFAULT_DECODE_PLAN;
  const config = configForSize(parseSize(SIZE));
  const budget = parseSize(BUDGET);
  const bundleDir = join(root, 'bundle');
  let modelPath = '';

  it('generates the model and deploys it through the CLI into at least 3 tasks, each within budget', () => {
    let t = performance.now();
    const generated = writeTransformer(join(root, 'model'), config);
    modelPath = generated.modelPath;
    log(
      `generated ${generated.weightBytes} bytes of weights, ${generated.nodeCount} nodes in ${((performance.now() - t) / 1000).toFixed(1)} s`,
    );
    assert.ok(generated.weightBytes >= parseSize(SIZE));
    assert.equal(generated.weightBytes, transformerWeightBytes(config));

    t = performance.now();
    const total = plan.promptLength + plan.decodeSteps;
    const deploy = spawnSync(
      process.execPath,
      [
        'node/bin/splitup.mjs',
        'deploy',
        modelPath,
        '--target-vram',
        BUDGET,
        '--out',
        bundleDir,
        '--shape',
        `${DIMS.batch}=${plan.batch}`,
        '--shape',
        `${DIMS.seq}=1`,
        '--shape',
        `${DIMS.past}=${total - 1}`,
        '--shape',
        `${DIMS.total}=${total}`,
      ],
      { cwd: repo, encoding: 'utf8' },
    );
    log(`deploy took ${((performance.now() - t) / 1000).toFixed(1)} s`);
    assert.equal(deploy.status, 0, `deploy failed:\n${deploy.stderr}`);
    log(deploy.stdout.trim());
    const manifest = readManifest(bundleDir);
    assert.ok(manifest.tasks.length >= MIN_TASKS, `${manifest.tasks.length} tasks`);
    for (const task of manifest.tasks)
      assert.ok(task.vramBytes <= budget, `${task.id}: ${task.vramBytes} > ${budget}`);
    const stateTasks = manifest.tasks.filter((task) => task.state.length > 0);
    assert.equal(
      stateTasks.reduce((n, task) => n + task.state.length, 0),
      2 * config.layers,
      'every KV pair is bound to one task',
    );
  });

  it('decodes 16 steps task by task, KV cache held by the tasks, logits bit-identical to the whole model', async () => {
    assert.ok(modelPath, 'deploy step ran');
    const manifest = readManifest(bundleDir);

    let t = performance.now();
    const whole = await openSession(
      modelPath,
      deterministicSessionOptions(manifest.runtime.graphOptimizationLevel, THREADS),
    );
    const expected = await decode((feeds) => runSession(whole, feeds), config, plan);
    await whole.release();
    log(`whole model: ${plan.decodeSteps + 1} steps in ${((performance.now() - t) / 1000).toFixed(1)} s`);

    t = performance.now();
    const runner = await BundleRunner.open(bundleDir, { threads: THREADS });
    try {
      const stateInputs = manifest.tasks.flatMap((task) => task.state.map((b) => b.input));
      const results = await runner.runSteps(plan.decodeSteps + 1, (step) => {
        if (step === 0) return { ...stepInputs(config, plan, step), ...emptyPast(config, plan.batch) };
        // The KV cache stays in the tasks: only token inputs cross, state inputs are not needed.
        const required = runner.requiredInputs();
        for (const name of stateInputs)
          assert.ok(!required.includes(name), `${name} still required at step ${step}`);
        return stepInputs(config, plan, step);
      });
      log(`split: ${results.length} steps in ${((performance.now() - t) / 1000).toFixed(1)} s`);
      assert.equal(results.length, expected.length);
      results.forEach((r, step) => {
        const logits = r.outputs.logits as Tensor;
        assert.ok(allFinite(logits), `step ${step} logits finite`);
        assert.deepEqual(logits.shape, expected[step]!.shape);
        assert.ok(
          Buffer.from(logits.data).equals(Buffer.from(expected[step]!.data)),
          `step ${step} logits differ`,
        );
      });
    } finally {
      await runner.close();
    }
  });
});
