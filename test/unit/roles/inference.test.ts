// Worker and client roles over real libp2p peers on loopback TCP: a bundle with parallel branches
// runs across three workers and gives the bytes of the unsplit model; failures name task and peer.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { generateKeyPair } from '@libp2p/crypto/keys';
import { lpStream } from '@libp2p/utils';
import { TaskRunner } from '../../../node/engine/task-runner.js';
import { openWholeModel } from '../../../node/engine/whole-model.js';
import { isCodedError } from '../../../node/errors.js';
import { openBundle } from '../../../node/model/bundle/open.js';
import { createPeer, type SplitUpPeer } from '../../../node/peer/create-peer.js';
import { ClientRole } from '../../../node/roles/client/client-role.js';
import type { ClientServices } from '../../../node/roles/client/inference-client.js';
import { WorkerExecutor, type WorkerServices } from '../../../node/roles/worker/worker-executor.js';
import { WorkerRole } from '../../../node/roles/worker/worker-role.js';
import { PLACEMENT_SCHEMA, type Placement, parsePlacement } from '../../../node/scheduling/placement.js';
import { modelOutputSenders, sourcesForTask } from '../../../node/scheduling/routes.js';
import { EXECUTION_PROTOCOL, executionControl } from '../../../protocols/execution/index.js';
import { tensorStream } from '../../../protocols/tensor-stream/index.js';
import type { BundleManifest } from '../../../storage/bundle/manifest.js';
import { startRolePeer } from '../../support/role-peers.js';
import { floatTensor, parallelBundle } from '../engine/tiny-bundles.js';

const BUNDLE_ID = 'a'.repeat(64);
const x = floatTensor([2, 2], [1, 2, 3, 4]);

let dir: string;
let manifest: BundleManifest;
const workers: { node: SplitUpPeer<WorkerServices>; executor: WorkerExecutor }[] = [];
let clientNode: SplitUpPeer<ClientServices>;
const clientRole = new ClientRole();
const client = clientRole.client;
const stops: (() => Promise<void>)[] = [];

async function openExecutor(taskIds: string[], bundleId: string): Promise<WorkerExecutor> {
  const runners = new Map<string, TaskRunner>();
  for (const id of taskIds) {
    runners.set(id, await TaskRunner.openTask(await openBundle(dir, { tasks: [id] }), id, { threads: 1 }));
  }
  return new WorkerExecutor({}, { manifest, bundleId, runners });
}

async function startWorker(taskIds: string[], bundleId = BUNDLE_ID) {
  const executor = await openExecutor(taskIds, bundleId);
  const running = await startRolePeer(new WorkerRole({ executor }));
  stops.push(running.stop);
  const w = { node: running.node as SplitUpPeer<WorkerServices>, executor };
  workers.push(w);
  return w;
}

let healthy: Record<'tA' | 'tB' | 'tC', SplitUpPeer<WorkerServices>>;

function planFor(assign: Record<string, SplitUpPeer<WorkerServices>>): Placement {
  return parsePlacement(
    {
      schema: PLACEMENT_SCHEMA,
      assignments: Object.entries(assign).map(([task, node]) => ({
        task,
        peer: node.peerId.toString(),
        addrs: node.getMultiaddrs().map((a) => a.toString().replace(/\/p2p\/[^/]+$/, '')),
      })),
    },
    manifest,
  );
}

before(async () => {
  ({ dir, manifest } = await parallelBundle());
  const running = await startRolePeer(clientRole);
  stops.push(running.stop);
  clientNode = running.node;
});

after(async () => {
  await Promise.allSettled(
    workers.map(async (w) => {
      await w.executor.close();
      await w.node.stop();
    }),
  );
  await Promise.allSettled(stops.map((stop) => stop()));
});

test('three workers run the parallel bundle and the outputs equal the unsplit model bit for bit', async () => {
  const [a, b, c] = await Promise.all([startWorker(['tA']), startWorker(['tB']), startWorker(['tC'])]);
  healthy = { tA: a.node, tB: b.node, tC: c.node };
  const plan = planFor(healthy);
  const result = await client.infer({
    manifest,
    bundleId: BUNDLE_ID,
    plan,
    inputs: { x },
    timeoutMs: 30_000,
  });

  const whole = await openWholeModel({ dir, manifest }, { threads: 1 });
  try {
    const expected = await whole.run({ x });
    for (const name of ['out', 'a']) {
      assert.deepEqual(result.outputs[name]!.shape, expected[name]!.shape);
      assert.deepEqual(Buffer.from(result.outputs[name]!.data), Buffer.from(expected[name]!.data), name);
    }
    // x*3 - (x+5) for x = 1..4
    assert.deepEqual([...new Float32Array(result.outputs.out!.data.slice().buffer)], [-3, -1, 1, 3]);
  } finally {
    await whole.close();
  }
});

test('a worker holding a different bundle refuses the assignment, and the client names the task', async () => {
  const wrong = await startWorker(['tC'], 'b'.repeat(64));
  const plan = planFor({ ...healthy, tC: wrong.node });
  await assert.rejects(
    client.infer({ manifest, bundleId: BUNDLE_ID, plan, inputs: { x }, timeoutMs: 30_000 }),
    (err) =>
      isCodedError(err, 'INFERENCE_DISPATCH_FAILED') &&
      err.details?.task === 'tC' &&
      err.details?.remoteCode === 'WORKER_WRONG_BUNDLE',
  );
});

test('a worker that dies after accepting its task fails the inference fast with INFERENCE_WORKER_LOST', async () => {
  const executor = await openExecutor(['tC'], BUNDLE_ID);
  // The worker accepts its assignment, then its process dies before the inputs arrive.
  const doomed: SplitUpPeer<WorkerServices> = await createPeer<WorkerServices>({
    privateKey: await generateKeyPair('Ed25519'),
    services: {
      tensorStream: tensorStream(),
      execution: executionControl({
        onAssign: (msg, from) => {
          executor.onAssign(msg, from);
          setTimeout(() => void doomed.stop(), 0);
        },
      }),
    },
  });
  executor.attach(doomed);
  workers.push({ node: doomed, executor });
  const plan = planFor({ ...healthy, tC: doomed });
  await assert.rejects(
    client.infer({ manifest, bundleId: BUNDLE_ID, plan, inputs: { x }, timeoutMs: 60_000 }),
    (err) =>
      (isCodedError(err, 'INFERENCE_WORKER_LOST') && String(err.details?.tasks).includes('tC')) ||
      // The input send to tC may lose the race with the disconnect event; it names the task too.
      (isCodedError(err, 'INFERENCE_DISPATCH_FAILED') && err.details?.task === 'tC'),
  );
});

test('model inputs that do not match the model interface are refused before anything is sent', async () => {
  const plan = planFor(healthy);
  await assert.rejects(
    client.infer({ manifest, bundleId: BUNDLE_ID, plan, inputs: { x: floatTensor([1, 4], [1, 2, 3, 4]) } }),
    (err) => isCodedError(err, 'INFERENCE_INPUT_MISMATCH') && err.details?.tensor === 'x',
  );
  await assert.rejects(client.infer({ manifest, bundleId: BUNDLE_ID, plan, inputs: {} }), (err) =>
    isCodedError(err, 'INFERENCE_INPUT_MISSING'),
  );
});

test('garbage on the execution protocol gets a MALFORMED verdict and the worker keeps serving', async () => {
  const stream = await clientNode.dialProtocol(healthy.tC.peerId, EXECUTION_PROTOCOL);
  const lp = lpStream(stream);
  await lp.write(new Uint8Array([0x7b, 0x00, 0xff, 0x13]));
  const reply = JSON.parse(new TextDecoder().decode((await lp.read()).subarray()));
  assert.deepEqual([reply.ok, reply.code], [false, 'EXECUTION_MALFORMED_MESSAGE']);
  await stream.close();

  const plan = planFor(healthy);
  const result = await client.infer({
    manifest,
    bundleId: BUNDLE_ID,
    plan,
    inputs: { x },
    timeoutMs: 30_000,
  });
  assert.deepEqual([...new Float32Array(result.outputs.out!.data.slice().buffer)], [-3, -1, 1, 3]);
});

test('each task input is accepted only from the peer that produces it; model outputs only from theirs', () => {
  const plan = planFor(healthy);
  const clientRef = { peer: 'the-client', addrs: [] };
  const peer = (task: 'tA' | 'tB' | 'tC') => healthy[task].peerId.toString();
  assert.deepEqual(sourcesForTask(manifest, plan, 'tA', clientRef), [{ tensor: 'x', peer: 'the-client' }]);
  assert.deepEqual(sourcesForTask(manifest, plan, 'tC', clientRef), [
    { tensor: 'a', peer: peer('tA') },
    { tensor: 'b', peer: peer('tB') },
  ]);
  assert.deepEqual(modelOutputSenders(manifest, plan), { out: peer('tC'), a: peer('tA') });
});

test('an assignment that names no sender for an input is refused with WORKER_BAD_SOURCES', () => {
  const tC = workers.find((w) => w.node === healthy.tC)!;
  const assign = {
    type: 'assign' as const,
    executionId: 'exec-unsourced',
    taskId: 'tC',
    bundleId: BUNDLE_ID,
    client: { peer: clientNode.peerId.toString(), addrs: [] },
    routes: [],
    deadline: Date.now() + 10_000,
  };
  const refusal = (detail: RegExp) => (err: unknown) =>
    (err as { code?: string }).code === 'WORKER_BAD_SOURCES' && detail.test(String(err));
  const a = { tensor: 'a', peer: healthy.tA.peerId.toString() };
  assert.throws(() => tC.executor.onAssign({ ...assign, sources: [a] }, clientNode.peerId), refusal(/'b'/));
  assert.throws(
    () =>
      tC.executor.onAssign(
        { ...assign, sources: [a, { tensor: 'b', peer: 'P' }, { tensor: 'z', peer: 'P' }] },
        clientNode.peerId,
      ),
    refusal(/no input 'z'/),
  );
});

test('a plan that leaves a task unassigned or names a bad peer id is refused', () => {
  const peer = healthy.tA.peerId.toString();
  assert.throws(
    () =>
      parsePlacement({ schema: PLACEMENT_SCHEMA, assignments: [{ task: 'tA', peer, addrs: [] }] }, manifest),
    (err) => isCodedError(err, 'PLAN_INVALID') && /tB, tC/.test(err.message),
  );
  assert.throws(
    () =>
      parsePlacement(
        { schema: PLACEMENT_SCHEMA, assignments: [{ task: 'tA', peer: 'not-a-peer', addrs: [] }] },
        manifest,
      ),
    (err) => isCodedError(err, 'PLAN_INVALID') && /not a PeerId/.test(err.message),
  );
});

test('one worker serving every task hands outputs to its own next tasks in memory, fan-out included', async () => {
  // tA's output `a` goes both to tC (here, in memory) and to the client (a stream): the in-memory
  // handoff waits for the stream, since tC moves the buffer to its engine thread.
  const solo = await startWorker(['tA', 'tB', 'tC']);
  const plan = planFor({ tA: solo.node, tB: solo.node, tC: solo.node });
  const result = await client.infer({
    manifest,
    bundleId: BUNDLE_ID,
    plan,
    inputs: { x },
    timeoutMs: 30_000,
  });
  assert.deepEqual([...new Float32Array(result.outputs.out!.data.slice().buffer)], [-3, -1, 1, 3]);
  assert.deepEqual([...new Float32Array(result.outputs.a!.data.slice().buffer)], [3, 6, 9, 12]);
  assert.equal(solo.node.services.tensorStream.bufferedBytes, 0);
});
