// openBundle reads a bundle once: manifest checked (schema, DAG rules), wiring indexed, each file
// hashed exactly once, and nothing downstream (the engine, a worker's runners) hashes it again.
import assert from 'node:assert/strict';
import { copyFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { BundleRunner } from '../../../../node/engine/bundle-runner.js';
import { isCodedError } from '../../../../node/errors.js';
import { deployModel } from '../../../../node/model/bundle/deploy-model.js';
import { observeFileHashes } from '../../../../node/model/bundle/hash.js';
import { openBundle } from '../../../../node/model/bundle/open.js';
import { openTaskRunners } from '../../../../node/roles/worker/open-runners.js';
import { prepareBundle } from '../../../../node/roles/worker/prepare-bundle.js';
import { MANIFEST_FILE, MODEL_ENDPOINT } from '../../../../storage/bundle/manifest.js';
import { contiguousPartition, countingEstimate } from '../partitions.js';
import { externalMlpModel, tempDir, writeModel } from '../tiny-models.js';

const code = (c: string) => (e: unknown) => isCodedError(e, c);

async function deployMlp(tasks = 3): Promise<string> {
  const { model, weights } = externalMlpModel('weights.bin');
  const out = join(tempDir(), 'bundle');
  await deployModel({
    modelPath: writeModel(model, { 'weights.bin': weights }),
    outDir: out,
    targetVramBytes: 1000,
    shapes: ['x=2x16'],
    partition: (g) => contiguousPartition(g, tasks),
    estimate: countingEstimate,
  });
  return out;
}

function bundleFiles(dir: string): string[] {
  const m = JSON.parse(readFileSync(join(dir, MANIFEST_FILE), 'utf8'));
  return m.tasks.flatMap((t: { file: string; weights: { file: string }[] }) =>
    [t.file, ...t.weights.map((w) => w.file)].map((f) => resolve(dir, f)),
  );
}

/** Runs `body` and returns how many times each file was hashed meanwhile. */
async function countHashes(body: () => Promise<void>): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  const stop = observeFileHashes((path) => counts.set(path, (counts.get(path) ?? 0) + 1));
  try {
    await body();
  } finally {
    stop();
  }
  return counts;
}

function assertOnceEach(counts: Map<string, number>, files: string[]): void {
  assert.ok(files.length >= 4, `${files.length} files`);
  for (const f of files) assert.equal(counts.get(f), 1, `${f} hashed ${counts.get(f) ?? 0} times`);
  assert.deepEqual([...counts.keys()].sort(), [...files].sort(), 'no other file is hashed');
}

test('open + load of every task hashes each task file and weights file exactly once', async () => {
  const dir = await deployMlp();
  const counts = await countHashes(async () => {
    const bundle = await openBundle(dir);
    const runner = await BundleRunner.open(bundle, { threads: 1 });
    await runner.close();
  });
  assertOnceEach(counts, bundleFiles(dir));
});

test("a worker's start on a local folder (prepare + load its tasks) hashes each file exactly once", async () => {
  const dir = await deployMlp();
  const ids = JSON.parse(readFileSync(join(dir, MANIFEST_FILE), 'utf8')).tasks.map(
    (t: { id: string }) => t.id,
  );
  const offline = {
    store: {
      isPinned: async () => assert.fail('nothing to fetch'),
      exportFile: async () => assert.fail('nothing to fetch'),
    },
    blocks: { fetch: async () => assert.fail('nothing to fetch') },
  };
  const counts = await countHashes(async () => {
    const bundle = await prepareBundle(dir, ids, tempDir(), offline);
    const runners = await openTaskRunners(bundle, ids, { threads: 1 });
    await Promise.all([...runners.values()].map((r) => r.close()));
  });
  assertOnceEach(counts, bundleFiles(dir));
});

test('the opened bundle indexes the wiring and is frozen', async () => {
  const dir = await deployMlp(2);
  const bundle = await openBundle(dir);
  const [t0, t1] = bundle.manifest.tasks.map((t) => t.id);
  assert.deepEqual(
    bundle.wiring.outOf(MODEL_ENDPOINT).map((c) => c.to),
    [{ task: t0, tensor: 'x' }],
  );
  assert.deepEqual(
    bundle.wiring.into(MODEL_ENDPOINT).map((c) => c.from.task),
    [t1],
  );
  assert.deepEqual([...bundle.wiring.producersOf(t1!)], [t0]);
  assert.equal(bundle.wiring.readerCount({ task: MODEL_ENDPOINT, tensor: 'x' }), 1);
  assert.equal(bundle.id.length, 64);
  assert.throws(() => {
    (bundle.manifest.tasks[0] as { file: string }).file = '../elsewhere.onnx';
  }, TypeError);
  assert.throws(() => bundle.task('nope'), code('BUNDLE_TASK_NOT_FOUND'));
  const clientView = await openBundle(dir, { tasks: [] });
  assert.throws(() => clientView.verifiedTask(t0!), code('BUNDLE_TASK_UNVERIFIED'));
  await assert.rejects(openBundle(dir, { tasks: ['nope'] }), code('BUNDLE_TASK_NOT_FOUND'));
});

test('a tampered manifest is refused: bad field, DAG rule, external data it does not list', async () => {
  const dir = await deployMlp(2);
  const path = join(dir, MANIFEST_FILE);
  const original = JSON.parse(readFileSync(path, 'utf8'));
  const write = (m: unknown) => writeFileSync(path, JSON.stringify(m));

  write({ ...original, targetVramBytes: 'lots' });
  await assert.rejects(
    openBundle(dir),
    (e) => code('BUNDLE_MANIFEST_INVALID')(e) && /targetVramBytes/.test(String(e)),
  );
  write({ ...original, tasks: [{ ...original.tasks[0], sha256: 'abc' }, original.tasks[1]] });
  await assert.rejects(openBundle(dir), code('BUNDLE_MANIFEST_INVALID'));
  // Rewire: the second task's input now reads nothing, the first's output goes nowhere.
  write({
    ...original,
    connections: original.connections.filter(
      (c: { to: { task: string } }) => c.to.task !== original.tasks[1].id,
    ),
  });
  await assert.rejects(openBundle(dir), code('DAG_INPUT_UNSATISFIED'));
  await assert.rejects(
    openBundle(dir, { tasks: [] }),
    code('DAG_INPUT_UNSATISFIED'),
    'even a client checks it',
  );
  // The task model reads its weights file, but the manifest stops listing (and hashing) it.
  write({ ...original, tasks: [{ ...original.tasks[0], weights: [] }, original.tasks[1]] });
  await assert.rejects(
    openBundle(dir),
    (e) => code('BUNDLE_MANIFEST_INVALID')(e) && /does not list/.test(String(e)),
  );
  write(original);
  await openBundle(dir);
});

test('fetchMissing gets exactly the absent or corrupt files, which are then not hashed again', async () => {
  const dir = await deployMlp(2);
  const spare = tempDir();
  const [weights0, weights1] = JSON.parse(readFileSync(join(dir, MANIFEST_FILE), 'utf8')).tasks.map(
    (t: { weights: { file: string }[] }) => t.weights[0]!.file,
  );
  for (const f of [weights0, weights1]) copyFileSync(join(dir, f), join(spare, f));
  rmSync(join(dir, weights0));
  writeFileSync(join(dir, weights1), 'corrupt');
  await assert.rejects(openBundle(dir), code('BUNDLE_FILE_MISSING'));
  const asked: string[] = [];
  const counts = await countHashes(async () => {
    await openBundle(dir, {
      fetchMissing: async (files) => {
        for (const f of files) {
          asked.push(f.file);
          copyFileSync(join(spare, f.file), join(dir, f.file));
        }
      },
    });
  });
  assert.deepEqual(asked.sort(), [weights0, weights1].sort());
  assert.equal(counts.get(resolve(dir, weights0)), undefined, 'an absent file is left to the fetcher');
  assert.equal(counts.get(resolve(dir, weights1)), 1, 'the corrupt copy was hashed once, then fetched');
  let called = false;
  await openBundle(dir, {
    fetchMissing: async () => {
      called = true;
    },
  });
  assert.equal(called, false, 'nothing to fetch once every file is there');
});

test('a worker given a local folder refuses a changed task file or manifest, and fetches nothing', async () => {
  const dir = await deployMlp(2);
  const m = JSON.parse(readFileSync(join(dir, MANIFEST_FILE), 'utf8'));
  const offline = {
    store: { isPinned: async () => assert.fail('no fetch'), exportFile: async () => assert.fail('no fetch') },
    blocks: { fetch: async () => assert.fail('no fetch') },
  };
  const weights = join(dir, m.tasks[0].weights[0].file);
  const bytes = readFileSync(weights);
  bytes[0] = (bytes[0] as number) ^ 1;
  writeFileSync(weights, bytes);
  await assert.rejects(prepareBundle(dir, [m.tasks[0].id], tempDir(), offline), code('BUNDLE_HASH_MISMATCH'));
  writeFileSync(join(dir, MANIFEST_FILE), JSON.stringify({ ...m, connections: m.connections.slice(1) }));
  await assert.rejects(
    prepareBundle(dir, [m.tasks[1].id], tempDir(), offline),
    code('DAG_INPUT_UNSATISFIED'),
  );
  writeFileSync(join(dir, MANIFEST_FILE), JSON.stringify(m));
  await assert.rejects(prepareBundle(dir, ['task-99'], tempDir(), offline), code('WORKER_UNKNOWN_TASK'));
});
