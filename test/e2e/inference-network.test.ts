// The whole peer network through the real CLI, as separate processes on 127.0.0.1: a deployer
// splits the PaddleOCR recognizer into 3 tasks and publishes it; 3 workers fetch their task's
// files by CID from providers found over the DHT and load them; a client runs one inference
// across them and gets the bytes of the unsplit model. Killing a worker mid-run gives the
// client a clear error within its timeout.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { openWholeModel } from '../../node/engine/whole-model.js';
import { readManifest } from '../../node/model/bundle/read.js';
import { PLACEMENT_SCHEMA } from '../../node/scheduling/placement.js';
import { readNpyFile, writeNpyFile } from '../../node/tensor/npy-file.js';
import type { BundleManifest } from '../../storage/bundle/manifest.js';
import { ocrInput, ocrModel, shapeArg } from '../fixtures/ocr-models.js';
import { type LogLine, PeerProcess, ROOT, runInfer } from './peer-process.js';

/** Seconds the client waits before giving up; the kill test must fail well before it. */
const CLIENT_TIMEOUT_S = 60;
const TASKS = ['task-00', 'task-01', 'task-02'];

const rec = ocrModel('rec');
const dir = await mkdtemp(join(tmpdir(), 'splitup-e2e-network-'));
const bundleDir = join(dir, 'bundle');
const inputFile = join(dir, 'x.npy');
const procs: PeerProcess[] = [];
let manifest: BundleManifest;
let workers: { proc: PeerProcess; peerId: string; addr: string }[] = [];

const common = [
  '--listen',
  '/ip4/127.0.0.1/tcp/0',
  '--heartbeat-interval-ms',
  '1000',
  '--network',
  'e2e-net',
];

let bundleCid: string;
let deployerAddr: string;

function runClient(plan: string, out: string, bundle: string = bundleDir, extra: string[] = []) {
  return runInfer({ bundle, plan, input: inputFile, out, timeoutS: CLIENT_TIMEOUT_S, extra });
}

async function writePlan(name: string): Promise<string> {
  const path = join(dir, name);
  const assignments = workers.map((w, i) => ({ task: TASKS[i], peer: w.peerId, addrs: [w.addr] }));
  await writeFile(path, JSON.stringify({ schema: PLACEMENT_SCHEMA, assignments }));
  return path;
}

before(async () => {
  const deploy = spawnSync(
    process.execPath,
    [
      'node/bin/splitup.mjs',
      'deploy',
      rec.path,
      '--target-vram',
      String(rec.budgetBytes),
      '--shape',
      shapeArg(rec),
      '--out',
      bundleDir,
      '--publish',
      '--data-dir',
      join(dir, 'deployer'),
    ],
    { cwd: ROOT, encoding: 'utf8' },
  );
  assert.equal(deploy.status, 0, deploy.stderr);
  const cid = /bundle CID (\S+)/.exec(deploy.stdout)?.[1];
  assert.ok(cid, `deploy printed no bundle CID:\n${deploy.stdout}`);
  bundleCid = cid;
  manifest = readManifest(bundleDir);
  assert.deepEqual(
    manifest.tasks.map((t) => t.id),
    TASKS,
  );
  await writeNpyFile(inputFile, ocrInput(rec));

  // The deployer serves the published weights (here as the network's oracle).
  const deployer = new PeerProcess('deployer', [
    '--role',
    'oracle',
    '--data-dir',
    join(dir, 'deployer'),
    ...common,
  ]);
  procs.push(deployer);
  const { addr } = await deployer.started();
  deployerAddr = addr;

  const started = TASKS.map((task, i) => {
    const proc = new PeerProcess(`worker-${i}`, [
      '--role',
      'worker',
      '--data-dir',
      join(dir, `worker-${i}`),
      '--bundle',
      bundleCid,
      '--tasks',
      task,
      '--threads',
      '1',
      '--bootstrap',
      addr,
      ...common,
    ]);
    procs.push(proc);
    return proc;
  });
  workers = await Promise.all(
    started.map(async (proc) => {
      const ready = await proc.waitFor('worker.ready', (l) => l.event === 'worker.ready');
      return { proc, peerId: ready.peerId as string, addr: (ready.listen as string[])[0]! };
    }),
  );
});

after(async () => {
  for (const p of procs) if (p.child.exitCode === null) p.child.kill('SIGTERM');
  await Promise.all(procs.map((p) => p.exited));
});

test('each worker fetched its own task files over the network, verified, and loaded them', async () => {
  for (const [i, w] of workers.entries()) {
    const fetched = w.proc.lines.filter((l: LogLine) => l.event === 'worker.fetch' && l.cached === false);
    const task = manifest.tasks[i]!;
    const files = [task.file, ...task.weights.map((x) => x.file)];
    assert.deepEqual([...new Set(fetched.map((l) => l.file))].sort(), files.sort(), `worker-${i}`);
    const ready = w.proc.lines.find((l) => l.event === 'worker.ready')!;
    assert.deepEqual(ready.tasks, [task.id]);
    const loading = w.proc.lines.find((l) => l.event === 'worker.loading')!;
    for (const f of files) assert.ok(existsSync(join(loading.dir as string, f)), `${f} on worker-${i}`);
    // A worker holds only its own task's weights.
    for (const other of manifest.tasks.filter((t) => t.id !== task.id))
      assert.equal(existsSync(join(loading.dir as string, other.file)), false);
  }
});

test('a client process runs the split model across three worker processes, bit-identical to the unsplit run', async () => {
  const out = join(dir, 'out');
  const result = await runClient(await writePlan('plan.json'), out);
  assert.equal(result.code, 0, result.stderr);
  const report = JSON.parse(result.stdout) as { outputs: Record<string, { file: string }> };
  const outputName = manifest.model.outputs[0]!.name;
  const received = await readNpyFile(report.outputs[outputName]!.file);

  const whole = await openWholeModel({ dir: bundleDir, manifest }, { threads: 1 });
  try {
    const expected = (await whole.run({ x: ocrInput(rec) }))[outputName]!;
    assert.deepEqual(received.shape, expected.shape);
    assert.equal(received.dtype, expected.dtype);
    assert.ok(Buffer.from(received.data).equals(Buffer.from(expected.data)), 'outputs are not bit-identical');
  } finally {
    await whole.close();
  }
  // Each worker ran exactly its task once.
  for (const [i, w] of workers.entries())
    assert.deepEqual(
      w.proc.lines.filter((l) => l.event === 'task.ran').map((l) => l.task),
      [TASKS[i]],
    );
});

test('a client given the bundle CID fetches the manifest over the network and gets the same outputs', async () => {
  const byFolder = JSON.parse(
    (await runClient(await writePlan('plan-dir.json'), join(dir, 'out-dir'))).stdout,
  ) as {
    outputs: Record<string, { sha256: string }>;
  };
  const result = await runClient(await writePlan('plan-cid.json'), join(dir, 'out-cid'), bundleCid, [
    '--bootstrap',
    deployerAddr,
  ]);
  assert.equal(result.code, 0, result.stderr);
  const byCid = JSON.parse(result.stdout) as { outputs: Record<string, { sha256: string }> };
  const outputName = manifest.model.outputs[0]!.name;
  assert.equal(byCid.outputs[outputName]!.sha256, byFolder.outputs[outputName]!.sha256);
});

test('killing a worker mid-run gives the client a clear error within its timeout, not a hang', async () => {
  const last = workers[2]!;
  const seen = last.proc.lines.length;
  const started = Date.now();
  const client = runClient(await writePlan('plan-kill.json'), join(dir, 'out-kill'));
  // Kill the last task's worker once it accepted this execution: the first task is still running.
  await last.proc.waitFor(
    'task.assigned',
    (l) => l.event === 'task.assigned' && last.proc.lines.indexOf(l) >= seen,
  );
  last.proc.child.kill('SIGKILL');
  const result = await client;
  const elapsedS = (Date.now() - started) / 1000;
  assert.equal(result.code, 1, `client should fail; stdout:\n${result.stdout}\nstderr:\n${result.stderr}`);
  assert.match(result.stderr, /error \[INFERENCE_(WORKER_LOST|TASK_FAILED|DISPATCH_FAILED)\]: .*task-02/);
  assert.ok(elapsedS < CLIENT_TIMEOUT_S, `client took ${elapsedS} s`);
});
