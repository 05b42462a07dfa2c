import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { BundleRunner, runBundle, type TaskEvent } from '../../../node/engine/bundle-runner.js';
import { TaskRunner } from '../../../node/engine/task-runner.js';
import { isCodedError } from '../../../node/errors.js';
import { MANIFEST_FILE } from '../../../storage/bundle/manifest.js';
import type { Tensor } from '../../../storage/tensors/tensor.js';
import { floats, floatTensor, linearBundle, parallelBundle, stateBundle } from './tiny-bundles.js';

const code = (c: string) => (err: unknown) => isCodedError(err, c);
const opened: { close(): Promise<void> }[] = [];
after(async () => {
  await Promise.all(opened.map((r) => r.close()));
});

async function open(dir: string): Promise<BundleRunner> {
  const r = await BundleRunner.open(dir);
  opened.push(r);
  return r;
}

test('a split bundle gives the same bits as the unsplit model', async () => {
  const { dir, manifest, sourcePath } = await linearBundle();
  const x = floatTensor([3, 4], [1, 2, 3, 4, -1, 0.5, 7, 1e-3, 9, 9, 9, 9]);
  const split = await runBundle(dir, { x });
  const whole = await TaskRunner.open(
    { id: 'whole', ...manifest.model, state: [] },
    sourcePath,
    manifest.runtime,
  );
  opened.push(whole);
  const ref = await whole.run({ x });
  assert.deepEqual(split.outputs.out!.shape, [3, 3]);
  assert.deepEqual(Buffer.from(split.outputs.out!.data), Buffer.from(ref.out!.data));
  assert.deepEqual(Object.keys(split.taskMs).sort(), ['t0', 't1']);
  assert.equal(x.data.byteLength, 48, 'caller inputs are not moved by default');
});

test('independent tasks start together; a tensor read twice is copied, not moved away', async () => {
  const { dir } = await parallelBundle();
  const runner = await open(dir);
  const events: TaskEvent[] = [];
  const result = await runner.run(
    { x: floatTensor([2, 2], [1, 2, 3, 4]) },
    { onTaskEvent: (e) => events.push(e) },
  );
  const seq = events.map((e) => `${e.phase}:${e.task}`);
  assert.deepEqual(
    seq.slice(0, 2),
    ['start:tA', 'start:tB'],
    `both branches start before either ends: ${seq}`,
  );
  assert.ok(seq.indexOf('start:tC') > Math.max(seq.indexOf('end:tA'), seq.indexOf('end:tB')));
  // a = 3x, b = x + 5, out = a - b
  assert.deepEqual(floats(result.outputs.a!), [3, 6, 9, 12]);
  assert.deepEqual(floats(result.outputs.out!), [-3, -1, 1, 3]);
  assert.deepEqual(Object.keys(result.outputs).sort(), ['a', 'out']);
});

test('state stays in its task between steps; N decode steps via runSteps', async () => {
  const { dir } = await stateBundle();
  const runner = await open(dir);
  assert.deepEqual(runner.requiredInputs(), ['x', 'past']);
  const steps = await runner.runSteps(3, (step, previous): Record<string, Tensor> => {
    if (step > 0) assert.ok(previous?.doubled);
    const x = floatTensor([1, 2], [step + 1, step + 1]);
    return step === 0 ? { x, past: floatTensor([1, 0], []) } : { x };
  });
  // totals 2, 2+4, 2+4+6 doubled
  assert.deepEqual(
    steps.map((s) => floats(s.outputs.doubled!)[0]),
    [4, 12, 24],
  );
  assert.deepEqual(floats(steps[2]!.outputs.present!), [1, 1, 2, 2, 3, 3]);
  assert.deepEqual(runner.requiredInputs(), ['x']);
  runner.resetState();
  await assert.rejects(runner.run({ x: floatTensor([1, 2], [1, 1]) }), code('ENGINE_INPUT_MISSING'));
});

test('bad model inputs fail with typed errors', async () => {
  const { dir } = await linearBundle();
  const runner = await open(dir);
  await assert.rejects(runner.run({}), code('ENGINE_INPUT_MISSING'));
  await assert.rejects(
    runner.run({ x: floatTensor([1, 4], [0, 0, 0, 0]), y: floatTensor([1], [1]) }),
    code('ENGINE_INPUT_UNKNOWN'),
  );
  await assert.rejects(runner.run({ x: floatTensor([1, 3], [0, 0, 0]) }), code('ENGINE_INPUT_MISMATCH'));
  const ok = await runner.run({ x: floatTensor([1, 4], [0, 0, 0, 0]) });
  assert.deepEqual(floats(ok.outputs.out!), [4, 4, 4]);
});

test('a crashed task fails the step with a typed error; restarting it recovers', async () => {
  const { dir } = await linearBundle();
  const runner = await open(dir);
  const t1 = runner.runner('t1')!;
  t1.crashWorkerForTest();
  while (!t1.crashed) await new Promise((r) => setTimeout(r, 10));
  await assert.rejects(runner.run({ x: floatTensor([1, 4], [0, 0, 0, 0]) }), code('ENGINE_RUNNER_CRASHED'));
  await t1.restart();
  const ok = await runner.run({ x: floatTensor([1, 4], [0, 0, 0, 0]) });
  assert.deepEqual(floats(ok.outputs.out!), [4, 4, 4]);
});

test('opening a bundle with a missing task file fails and leaves no workers behind', async () => {
  const { dir, manifest } = await linearBundle();
  const broken = {
    ...manifest,
    tasks: [manifest.tasks[0]!, { ...manifest.tasks[1]!, file: 'tasks/gone.onnx' }],
  };
  await writeFile(join(dir, MANIFEST_FILE), JSON.stringify(broken));
  await assert.rejects(BundleRunner.open(dir), code('BUNDLE_FILE_MISSING'));
});
