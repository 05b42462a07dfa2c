import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { TaskRunner } from '../../../node/engine/task-runner.js';
import { isCodedError } from '../../../node/errors.js';
import { openBundle } from '../../../node/model/bundle/open.js';
import { type BundleManifest, MANIFEST_FILE, type TaskManifest } from '../../../storage/bundle/manifest.js';
import type { Tensor } from '../../../storage/tensors/tensor.js';
import { f32, floats, floatTensor, linearBundle, modelBytes, node, stateBundle } from './tiny-bundles.js';

const code = (c: string) => (err: unknown) => isCodedError(err, c);
const opened: TaskRunner[] = [];
after(async () => {
  await Promise.all(opened.map((r) => r.close()));
});

/** Opens the bundle in `dir` for one task, then that task's runner. */
async function open(dir: string, taskId: string, opts: { threads?: number } = {}): Promise<TaskRunner> {
  const r = await TaskRunner.openTask(await openBundle(dir, { tasks: [taskId] }), taskId, opts);
  opened.push(r);
  return r;
}

/** Rewrites the bundle's manifest.json with one task changed. */
async function withTask(dir: string, manifest: BundleManifest, change: Partial<TaskManifest>): Promise<void> {
  const tasks = manifest.tasks.map((t, i) => (i === 0 ? { ...t, ...change } : t));
  await writeFile(join(dir, MANIFEST_FILE), JSON.stringify({ ...manifest, tasks }));
}

test('a task runs in a worker thread and keeps its session for many runs', async () => {
  const { dir } = await linearBundle();
  const t0 = await open(dir, 't0');
  const t1 = await open(dir, 't1');
  const z = await t0.run({ x: floatTensor([1, 4], [1, 2, 3, 4]) });
  assert.deepEqual(floats(z.z!), [4, 6, 8, 10]);
  assert.deepEqual(floats((await t1.run(z)).out!), [14, 16, 18]);
  // symbolic batch dim: any size is accepted
  const z2 = await t0.run({ x: floatTensor([2, 4], [0, 0, 0, 0, 1, 1, 1, 1]) });
  assert.deepEqual(z2.z!.shape, [2, 4]);
  assert.deepEqual(floats(z2.z!), [2, 2, 2, 2, 4, 4, 4, 4]);
});

test('every output carries the sha256 of its bytes, hashed in the worker thread', async () => {
  const { dir } = await linearBundle();
  const t0 = await open(dir, 't0');
  for (const values of [
    [1, 2, 3, 4],
    [5, 6, 7, 8],
  ]) {
    const z = (await t0.run({ x: floatTensor([1, 4], values) })).z!;
    assert.equal(Buffer.from(z.sha256!).toString('hex'), createHash('sha256').update(z.data).digest('hex'));
  }
});

test('outputs are bit-identical across runs and thread counts', async () => {
  const { dir } = await linearBundle();
  const one = await open(dir, 't1', { threads: 1 });
  const two = await open(dir, 't1', { threads: 2 });
  const values = Array.from({ length: 64 * 4 }, (_, i) => Math.sin(i) * 1e3);
  const input = floatTensor([64, 4], values);
  const a = await one.run({ z: input });
  const b = await one.run({ z: input });
  const c = await two.run({ z: input });
  assert.deepEqual(Buffer.from(a.out!.data), Buffer.from(b.out!.data));
  assert.deepEqual(Buffer.from(a.out!.data), Buffer.from(c.out!.data));
});

test('transfer moves input buffers into the worker', async () => {
  const { dir } = await linearBundle();
  const t0 = await open(dir, 't0');
  const x = floatTensor([1, 4], [1, 1, 1, 1]);
  const kept = floatTensor([1, 4], [1, 1, 1, 1]);
  await t0.run({ x: kept });
  assert.equal(kept.data.byteLength, 16, 'copied by default');
  const out = await t0.run({ x }, { transfer: true });
  assert.equal(x.data.byteLength, 0, 'detached after transfer');
  assert.deepEqual(floats(out.z!), [4, 4, 4, 4]);
});

test('after a transferring run the input buffers come back, bytes intact; a copying run returns none', async () => {
  const { dir } = await linearBundle();
  const t0 = await open(dir, 't0');
  const x = floatTensor([1, 4], [1, 2, 3, 4]);
  const moved = await t0.execute({ x }, { transfer: true });
  assert.equal(x.data.byteLength, 0);
  assert.equal(moved.returnedInputs.length, 1);
  assert.deepEqual([...new Float32Array(moved.returnedInputs[0]!)], [1, 2, 3, 4]);
  assert.deepEqual(floats(moved.outputs.z!), [4, 6, 8, 10]);
  const copied = await t0.execute({ x: floatTensor([1, 4], [1, 2, 3, 4]) });
  assert.deepEqual(copied.returnedInputs, []);
});

test('bad inputs fail with typed errors and the runner keeps working', async () => {
  const { dir } = await linearBundle();
  const t0 = await open(dir, 't0');
  await assert.rejects(t0.run({}), code('ENGINE_INPUT_MISSING'));
  await assert.rejects(
    t0.run({ x: floatTensor([1, 4], [0, 0, 0, 0]), y: floatTensor([1], [0]) }),
    code('ENGINE_INPUT_UNKNOWN'),
  );
  await assert.rejects(t0.run({ x: floatTensor([1, 5], [0, 0, 0, 0, 0]) }), code('ENGINE_INPUT_MISMATCH'));
  await assert.rejects(t0.run({ x: floatTensor([4], [0, 0, 0, 0]) }), code('ENGINE_INPUT_MISMATCH'));
  const int: Tensor = { dtype: 'int32', shape: [1, 4], data: new Uint8Array(16) };
  await assert.rejects(t0.run({ x: int }), code('ENGINE_INPUT_MISMATCH'));
  const short: Tensor = { dtype: 'float32', shape: [1, 4], data: new Uint8Array(15) };
  await assert.rejects(t0.run({ x: short }), code('ENGINE_INPUT_MISMATCH'));
  assert.deepEqual(floats((await t0.run({ x: floatTensor([1, 4], [0, 0, 0, 0]) })).z!), [2, 2, 2, 2]);
});

test('opening fails with typed errors: missing file, changed file, bad model, spec mismatch, threads', async () => {
  const { dir, manifest } = await linearBundle();
  const task = manifest.tasks[0]!;
  await assert.rejects(
    TaskRunner.open(task, join(dir, 'nope.onnx'), manifest.runtime),
    code('ENGINE_MODEL_MISSING'),
  );
  await writeFile(join(dir, 'junk.onnx'), 'not a model');
  await assert.rejects(
    TaskRunner.open(task, join(dir, 'junk.onnx'), manifest.runtime),
    code('ENGINE_LOAD_FAILED'),
  );
  const path = join(dir, task.file);
  const wrongSpec = { ...task, inputs: [{ name: 'x', dtype: 'int64' as const, shape: ['batch', 4] }] };
  await assert.rejects(TaskRunner.open(wrongSpec, path, manifest.runtime), code('ENGINE_TASK_MISMATCH'));
  const wrongName = { ...task, outputs: [{ name: 'zz', dtype: 'float32' as const, shape: ['batch', 4] }] };
  await assert.rejects(TaskRunner.open(wrongName, path, manifest.runtime), code('ENGINE_TASK_MISMATCH'));
  const wrongDim = { ...task, inputs: [{ name: 'x', dtype: 'float32' as const, shape: ['batch', 5] }] };
  await assert.rejects(TaskRunner.open(wrongDim, path, manifest.runtime), code('ENGINE_TASK_MISMATCH'));
  await assert.rejects(open(dir, 't0', { threads: 0 }), code('ENGINE_THREADS_INVALID'));
  // A task is opened from a verified bundle only: its files are checked when the bundle is opened.
  await assert.rejects(
    TaskRunner.openTask(await openBundle(dir, { tasks: ['t1'] }), 't0'),
    code('BUNDLE_TASK_UNVERIFIED'),
  );
  await withTask(dir, manifest, { file: 'nope.onnx' });
  await assert.rejects(openBundle(dir), code('BUNDLE_FILE_MISSING'));
  await withTask(dir, manifest, { sha256: '0'.repeat(64) });
  await assert.rejects(openBundle(dir), code('BUNDLE_HASH_MISMATCH'));
  await withTask(dir, manifest, { weights: [{ file: 'w.bin', bytes: 1, sha256: '0'.repeat(64) }] });
  await assert.rejects(openBundle(dir), code('BUNDLE_FILE_MISSING'));
});

test('a crashed worker surfaces as a typed error and the runner can be restarted', async () => {
  const { dir } = await linearBundle();
  const t0 = await open(dir, 't0');
  const x = () => ({ x: floatTensor([1, 4], [1, 2, 3, 4]) });
  t0.crashWorkerForTest();
  await assert.rejects(
    (async () => {
      for (;;) await t0.run(x());
    })(),
    (err: unknown) =>
      isCodedError(err, 'ENGINE_WORKER_CRASHED') || isCodedError(err, 'ENGINE_RUNNER_CRASHED'),
  );
  assert.equal(t0.crashed, true);
  await assert.rejects(t0.run(x()), code('ENGINE_RUNNER_CRASHED'));
  await t0.restart();
  assert.equal(t0.crashed, false);
  assert.deepEqual(floats((await t0.run(x())).z!), [4, 6, 8, 10]);
});

test('a closed runner refuses work', async () => {
  const { dir } = await linearBundle();
  const t0 = await TaskRunner.openTask(await openBundle(dir), 't0');
  await t0.close();
  await assert.rejects(t0.run({ x: floatTensor([1, 4], [0, 0, 0, 0]) }), code('ENGINE_RUNNER_CLOSED'));
  await t0.close();
});

test('state outputs feed the next step inside the runner', async () => {
  const { dir } = await stateBundle();
  const t0 = await open(dir, 't0');
  assert.deepEqual(t0.requiredStateInputs(), ['past']);
  await assert.rejects(t0.run({ x: floatTensor([1, 2], [1, 2]) }), code('ENGINE_INPUT_MISSING'));
  const s0 = await t0.run({ x: floatTensor([1, 2], [1, 2]), past: floatTensor([1, 0], []) });
  assert.deepEqual(floats(s0.total!), [3]);
  assert.equal(s0.present, undefined, 'state stays in the runner unless asked for');
  const s1 = await t0.run({ x: floatTensor([1, 2], [10, 20]) }, { returnState: true });
  assert.deepEqual(floats(s1.total!), [33]);
  assert.deepEqual(floats(s1.present!), [1, 2, 10, 20]);
  const s2 = await t0.run({ x: floatTensor([1, 2], [100, 200]) }, { returnState: true });
  assert.deepEqual(floats(s2.present!), [1, 2, 10, 20, 100, 200]);
  // a given state input starts a new sequence
  const fresh = await t0.run({ x: floatTensor([1, 2], [5, 5]), past: floatTensor([1, 1], [7]) });
  assert.deepEqual(floats(fresh.total!), [17]);
  t0.resetState();
  await assert.rejects(t0.run({ x: floatTensor([1, 2], [1, 2]) }), code('ENGINE_INPUT_MISSING'));
});

test('several runners in one process run concurrently', async () => {
  const { dir } = await linearBundle();
  const runners = await Promise.all(Array.from({ length: 4 }, () => open(dir, 't1', { threads: 1 })));
  const results = await Promise.all(runners.map((r, i) => r.run({ z: floatTensor([1, 4], [i, i, i, i]) })));
  for (const [i, res] of results.entries()) assert.deepEqual(floats(res.out!), [2 * i, 2 * i, 2 * i]);
});

test('state keys keep several sequences apart in one runner', async () => {
  const { dir } = await stateBundle();
  const t0 = await open(dir, 't0');
  const empty = () => floatTensor([1, 0], []);
  await t0.run({ x: floatTensor([1, 2], [1, 1]), past: empty() }, { stateKey: 'a' });
  assert.deepEqual(t0.requiredStateInputs('b'), ['past']);
  await assert.rejects(
    t0.run({ x: floatTensor([1, 2], [1, 1]) }, { stateKey: 'b' }),
    code('ENGINE_INPUT_MISSING'),
  );
  await t0.run({ x: floatTensor([1, 2], [100, 100]), past: empty() }, { stateKey: 'b' });
  const a = await t0.run({ x: floatTensor([1, 2], [2, 2]) }, { stateKey: 'a' });
  const b = await t0.run({ x: floatTensor([1, 2], [200, 200]) }, { stateKey: 'b' });
  assert.deepEqual(floats(a.total!), [6]);
  assert.deepEqual(floats(b.total!), [600]);
  t0.resetState('a');
  assert.equal(t0.hasStateFor('a'), false);
  assert.equal(t0.hasStateFor('b'), true);
  const b2 = await t0.run({ x: floatTensor([1, 2], [1, 1]) }, { stateKey: 'b' });
  assert.deepEqual(floats(b2.total!), [602]);
});

test('an onnxruntime failure during a run is a typed ENGINE_RUN_FAILED and the runner survives', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'run-failed-'));
  const a = f32('a', ['n']);
  const b = f32('b', ['m']);
  const c = f32('c', ['k']);
  const path = join(dir, 'add.onnx');
  await writeFile(
    path,
    modelBytes({ nodes: [node('Add', ['a', 'b'], ['c'])], inputs: [a, b], outputs: [c] }),
  );
  const runner = await TaskRunner.open({ id: 'add', inputs: [a, b], outputs: [c], state: [] }, path, {
    graphOptimizationLevel: 'all',
  });
  opened.push(runner);
  // [2] + [3] cannot broadcast: only onnxruntime can tell, at run time
  await assert.rejects(
    runner.run({ a: floatTensor([2], [1, 2]), b: floatTensor([3], [1, 2, 3]) }),
    code('ENGINE_RUN_FAILED'),
  );
  assert.deepEqual(
    floats((await runner.run({ a: floatTensor([2], [1, 2]), b: floatTensor([2], [3, 4]) })).c!),
    [4, 6],
  );
});
