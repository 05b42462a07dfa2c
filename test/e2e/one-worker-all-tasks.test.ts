// One worker process serving every task of the PaddleOCR det bundle, and a plan that gives it all
// of them: each task hands its outputs to the next one in memory (no stream to itself, which
// failed with "Can not dial self"), and the client gets the bytes of the unsplit model.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { openWholeModel } from '../../node/engine/whole-model.js';
import { readManifest } from '../../node/model/bundle/read.js';
import { PLACEMENT_SCHEMA } from '../../node/scheduling/placement.js';
import { readNpyFile, writeNpyFile } from '../../node/tensor/npy-file.js';
import type { BundleManifest } from '../../storage/bundle/manifest.js';
import { ocrInput, ocrModel, shapeArg } from '../fixtures/ocr-models.js';
import { PeerProcess, ROOT, runInfer } from './peer-process.js';

const CLIENT_TIMEOUT_S = 60;
const det = ocrModel('det');
const dir = await mkdtemp(join(tmpdir(), 'splitup-e2e-one-worker-'));
const bundleDir = join(dir, 'bundle');
const inputFile = join(dir, 'x.npy');
let manifest: BundleManifest;
let worker: PeerProcess;
let peerId: string;
let addr: string;

before(async () => {
  const deploy = spawnSync(
    process.execPath,
    [
      'node/bin/splitup.mjs',
      'deploy',
      det.path,
      '--target-vram',
      String(det.budgetBytes),
      '--shape',
      shapeArg(det),
      '--out',
      bundleDir,
    ],
    { cwd: ROOT, encoding: 'utf8' },
  );
  assert.equal(deploy.status, 0, deploy.stderr);
  manifest = readManifest(bundleDir);
  assert.ok(manifest.tasks.length >= 3, `${manifest.tasks.length} tasks`);
  await writeNpyFile(inputFile, ocrInput(det));
  worker = new PeerProcess('worker', [
    '--role',
    'worker',
    '--data-dir',
    join(dir, 'worker'),
    '--bundle',
    bundleDir,
    ...manifest.tasks.flatMap((t) => ['--tasks', t.id]),
    '--threads',
    '1',
    '--listen',
    '/ip4/127.0.0.1/tcp/0',
  ]);
  const ready = await worker.waitFor('worker.ready', (l) => l.event === 'worker.ready');
  peerId = ready.peerId as string;
  addr = (ready.listen as string[])[0]!.replace(/\/p2p\/[^/]+$/, '');
});

after(async () => {
  if (worker?.child.exitCode === null) worker.child.kill('SIGTERM');
  await worker?.exited;
  await rm(dir, { recursive: true, force: true });
});

test('one worker runs every task of the det bundle in one plan, bit-identical to the whole model', async () => {
  const plan = join(dir, 'plan.json');
  const assignments = manifest.tasks.map((t) => ({ task: t.id, peer: peerId, addrs: [addr] }));
  await writeFile(plan, JSON.stringify({ schema: PLACEMENT_SCHEMA, assignments }));
  const out = join(dir, 'out');
  const { code, stdout, stderr } = await runInfer({
    bundle: bundleDir,
    plan,
    input: inputFile,
    out,
    timeoutS: CLIENT_TIMEOUT_S,
  });
  assert.equal(code, 0, stderr);
  const report = JSON.parse(stdout) as { outputs: Record<string, { file: string }> };

  const whole = await openWholeModel({ dir: bundleDir, manifest }, { threads: 1 });
  try {
    const expected = await whole.run({ x: ocrInput(det) });
    for (const spec of manifest.model.outputs) {
      const received = await readNpyFile(report.outputs[spec.name]!.file);
      assert.deepEqual(received.shape, expected[spec.name]!.shape);
      assert.equal(received.dtype, expected[spec.name]!.dtype);
      assert.ok(
        Buffer.from(received.data).equals(Buffer.from(expected[spec.name]!.data)),
        `${spec.name} is not bit-identical`,
      );
    }
  } finally {
    await whole.close();
  }
  // Every task ran once, on this one worker.
  assert.deepEqual(
    worker.lines
      .filter((l) => l.event === 'task.ran')
      .map((l) => l.task)
      .sort(),
    manifest.tasks.map((t) => t.id).sort(),
  );
});
