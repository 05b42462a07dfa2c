// A worker's tensor inbox and its execution protocol under attack, over real libp2p peers on
// loopback TCP: strangers that hold header-only and trickling streams declaring 2 GiB inputs,
// strangers that send valid 64 MiB tensors for executions nobody assigned, a stranger's
// assignment, and a sender the assignment does not name. The legitimate inference must still run.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import type { Libp2p, Stream } from '@libp2p/interface';
import { TaskRunner } from '../../../node/engine/task-runner.js';
import { openBundle } from '../../../node/model/bundle/open.js';
import type { SplitUpPeer } from '../../../node/peer/create-peer.js';
import { ClientRole } from '../../../node/roles/client/client-role.js';
import { WorkerExecutor, type WorkerServices } from '../../../node/roles/worker/worker-executor.js';
import { WorkerRole } from '../../../node/roles/worker/worker-role.js';
import { PLACEMENT_SCHEMA, type Placement, parsePlacement } from '../../../node/scheduling/placement.js';
import {
  type AssignMessage,
  type ExecutionControl,
  executionControl,
} from '../../../protocols/execution/index.js';
import { encodeHeader } from '../../../protocols/tensor-stream/header.js';
import {
  TENSOR_STREAM_PROTOCOL,
  type TensorStream,
  type TensorStreamError,
  tensorStream,
} from '../../../protocols/tensor-stream/index.js';
import { type BundleManifest, MODEL_ENDPOINT } from '../../../storage/bundle/manifest.js';
import type { Tensor } from '../../../storage/tensors/tensor.js';
import { connect, createLoopbackNode } from '../../support/loopback-libp2p.js';
import { startRolePeer } from '../../support/role-peers.js';
import { floats, floatTensor, linearBundle } from '../engine/tiny-bundles.js';

const BUNDLE_ID = 'c'.repeat(64);
/** x is [batch, 4]; out = ((x + 1) * 2) @ W, W = [[1,0,0],[0,1,0],[0,0,1],[1,1,1]]. */
const x = floatTensor([2, 4], [1, 2, 3, 4, 5, 6, 7, 8]);
const EXPECTED_OUT = [14, 16, 18, 30, 32, 34];
/** z of t1 is float32 [batch, 4]: this batch declares 2 GiB, the largest payload a header may. */
const TWO_GIB_BATCH = 2 ** 27;
/** A valid 64 MiB z: 4 Mi rows of 4 floats. */
const SIXTY_FOUR_MIB_BATCH = 2 ** 22;
const MIB = 1024 * 1024;
/** Generous: the 8 x 64 MiB unassigned tensors that were accepted before the fix take 512 MiB. */
const MAX_RSS_GROWTH_BYTES = 256 * MIB;

let dir: string;
let manifest: BundleManifest;
let t0: SplitUpPeer<WorkerServices>;
let t1: SplitUpPeer<WorkerServices>;
let clientNode: SplitUpPeer<WorkerServices>;
const clientRole = new ClientRole();
type StrangerServices = { tensors: TensorStream; execution: ExecutionControl };
let stranger: Libp2p<StrangerServices>;
const stops: (() => Promise<void>)[] = [];

async function startWorker(taskIds: string[], acceptClients?: string[]) {
  const runners = new Map<string, TaskRunner>();
  for (const id of taskIds)
    runners.set(id, await TaskRunner.openTask(await openBundle(dir, { tasks: [id] }), id, { threads: 1 }));
  const executor = new WorkerExecutor(acceptClients === undefined ? {} : { acceptClients }, {
    manifest,
    bundleId: BUNDLE_ID,
    runners,
  });
  const running = await startRolePeer(new WorkerRole({ executor }));
  stops.push(async () => {
    await executor.close();
    await running.stop();
  });
  return running.node as SplitUpPeer<WorkerServices>;
}

const addrsOf = (node: Libp2p) => node.getMultiaddrs().map((a) => a.toString().replace(/\/p2p\/[^/]+$/, ''));

function planFor(assign: Record<string, Libp2p>): Placement {
  return parsePlacement(
    {
      schema: PLACEMENT_SCHEMA,
      assignments: Object.entries(assign).map(([task, node]) => ({
        task,
        peer: node.peerId.toString(),
        addrs: addrsOf(node),
      })),
    },
    manifest,
  );
}

const infer = () =>
  clientRole.client.infer({
    manifest,
    bundleId: BUNDLE_ID,
    plan: planFor({ t0, t1 }),
    inputs: { x },
    timeoutMs: 30_000,
  });

/** Reads the receiver's verdict from a raw stream: 'OK' or the rejection code. */
async function verdict(stream: Stream): Promise<string> {
  const bytes: number[] = [];
  for await (const chunk of stream) bytes.push(...chunk.subarray());
  if (bytes.length === 0) return 'NO_VERDICT';
  if (bytes[0] === 0) return 'OK';
  return new TextDecoder().decode(Uint8Array.from(bytes.slice(2, 2 + bytes[1]!)));
}

/** A raw stream to `to` that sent the header of a `batch` x 4 float32 z for t1, then trickles. */
async function trickler(
  from: Libp2p,
  to: Libp2p,
  batch: number,
  executionId = randomBytes(16).toString('hex'),
): Promise<{ verdict: Promise<string>; stop: () => void }> {
  const stream = await from.dialProtocol(to.peerId, TENSOR_STREAM_PROTOCOL);
  stream.send(
    encodeHeader({
      executionId,
      taskId: 't1',
      name: 'z',
      dtype: 'float32',
      shape: [batch, 4],
      byteLength: batch * 16,
      sha256: randomBytes(32),
    }),
  );
  // One byte every 200 ms: well inside the 10 s stall timeout, so only a deadline cuts it.
  const timer = setInterval(() => {
    if (stream.writeStatus === 'writable') stream.send(Uint8Array.of(0));
  }, 200);
  const settled = verdict(stream).finally(() => {
    clearInterval(timer);
    stream.abort(new Error('verdict read'));
  });
  return {
    verdict: settled,
    stop: () => {
      clearInterval(timer);
      stream.abort(new Error('test done'));
    },
  };
}

const within = <T>(p: Promise<T>, ms: number, what: string): Promise<T> =>
  Promise.race([
    p,
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`${what}: nothing within ${ms} ms`)), ms),
    ),
  ]);

before(async () => {
  ({ dir, manifest } = await linearBundle());
  const running = await startRolePeer(clientRole);
  stops.push(running.stop);
  clientNode = running.node as SplitUpPeer<WorkerServices>;
  [t0, t1] = await Promise.all([startWorker(['t0']), startWorker(['t1'])]);
  stranger = (await createLoopbackNode({
    services: { tensors: tensorStream(), execution: executionControl() },
  })) as Libp2p<StrangerServices>;
  stops.push(async () => {
    await stranger.stop();
  });
  await connect(stranger, t1);
});

after(async () => {
  await Promise.allSettled(stops.reverse().map((stop) => stop()));
});

test('a legitimate inference succeeds while two strangers hold header-only and trickling 2 GiB streams', async () => {
  const second = (await createLoopbackNode()) as Libp2p;
  stops.push(async () => {
    await second.stop();
  });
  await connect(second, t1);
  const attacks = [await trickler(stranger, t1, TWO_GIB_BATCH), await trickler(second, t1, TWO_GIB_BATCH)];
  try {
    await new Promise((r) => setTimeout(r, 100)); // both headers are in before the inference starts
    const result = await infer();
    assert.deepEqual(floats(result.outputs.out!), EXPECTED_OUT);
    // Nobody assigned the strangers' executions: refused from the header, nothing reserved.
    for (const a of attacks)
      assert.equal(await within(a.verdict, 5_000, 'stranger verdict'), 'TENSOR_STREAM_UNEXPECTED_TASK');
    assert.equal(t1.services.tensorStream.bufferedBytes, 0);
  } finally {
    for (const a of attacks) a.stop();
  }
});

test('valid 64 MiB tensors for executions nobody assigned are refused, and the inbox and RSS stay bounded', async () => {
  const z: Tensor = { dtype: 'float32', shape: [SIXTY_FOUR_MIB_BATCH, 4], data: new Uint8Array(64 * MIB) };
  z.sha256 = createHash('sha256').update(z.data).digest();
  const rssBefore = process.memoryUsage().rss;
  let maxBuffered = 0;
  const sampler = setInterval(() => {
    maxBuffered = Math.max(maxBuffered, t1.services.tensorStream.bufferedBytes);
  }, 5);
  const codes: string[] = [];
  try {
    for (let i = 0; i < 8; i++) {
      const executionId = randomBytes(16).toString('hex');
      await stranger.services.tensors.send(t1.peerId, executionId, 't1', { z }).then(
        () => codes.push('OK'),
        (err: TensorStreamError) => codes.push(err.remoteCode ?? err.code),
      );
    }
  } finally {
    clearInterval(sampler);
  }
  const rssGrowth = process.memoryUsage().rss - rssBefore;
  assert.deepEqual(codes, Array(8).fill('TENSOR_STREAM_UNEXPECTED_TASK'));
  assert.equal(maxBuffered, 0, 'no byte of an unassigned tensor was ever reserved');
  assert.equal(t1.services.tensorStream.bufferedBytes, 0);
  assert.ok(rssGrowth < MAX_RSS_GROWTH_BYTES, `RSS grew by ${(rssGrowth / MIB).toFixed(0)} MiB`);
  // And the worker still serves.
  assert.deepEqual(floats((await infer()).outputs.out!), EXPECTED_OUT);
});

test('a trickling sender of an assigned input is cut by the whole-stream deadline, not kept alive', async (t) => {
  // Not through a worker: a receiver with a short grace, so the test need not wait 10 s.
  const receiver = (await createLoopbackNode({
    services: { tensors: tensorStream({ streamGraceMs: 300, stallTimeoutMs: 5_000 }) },
  })) as Libp2p<{ tensors: TensorStream }>;
  t.after(() => receiver.stop());
  await connect(stranger, receiver);
  const executionId = 'exec-trickle';
  const awaited = receiver.services.tensors.awaitTensors(
    executionId,
    't1',
    [{ name: 'z', dtype: 'float32', shape: ['batch', 4] }],
    AbortSignal.timeout(10_000),
    { z: stranger.peerId.toString() },
  );
  awaited.catch(() => undefined);
  const attack = await trickler(stranger, receiver, 1024, executionId); // 16 KiB at 5 B/s: ~55 min
  try {
    const started = Date.now();
    assert.equal(await within(attack.verdict, 5_000, 'trickle verdict'), 'TENSOR_STREAM_TRANSFER_TIMEOUT');
    assert.ok(Date.now() - started < 5_000);
    assert.equal(receiver.services.tensors.bufferedBytes, 0, 'the reservation was released');
  } finally {
    attack.stop();
  }
});

test("a stranger's assignment is refused, and nothing is accepted for its execution", async () => {
  const assign = (executionId: string, client: Libp2p): AssignMessage => ({
    type: 'assign',
    executionId,
    taskId: 't1',
    bundleId: BUNDLE_ID,
    client: { peer: client.peerId.toString(), addrs: addrsOf(client) },
    routes: [
      {
        output: 'out',
        to: { task: MODEL_ENDPOINT, tensor: 'out', peer: { peer: client.peerId.toString(), addrs: [] } },
      },
    ],
    sources: [{ tensor: 'z', peer: stranger.peerId.toString() }],
    deadline: Date.now() + 10_000,
  });
  // Naming the real client (so the worker would report to and stream outputs at it) is refused.
  await assert.rejects(
    stranger.services.execution.send(t1.peerId, assign('exec-forged', clientNode)),
    (err: { remoteCode?: string }) => err.remoteCode === 'WORKER_CLIENT_MISMATCH',
  );
  const z: Tensor = { dtype: 'float32', shape: [2, 4], data: new Uint8Array(32) };
  await assert.rejects(
    stranger.services.tensors.send(t1.peerId, 'exec-forged', 't1', { z }),
    (err: TensorStreamError) => err.remoteCode === 'TENSOR_STREAM_UNEXPECTED_TASK',
  );
  // A worker with an allow-list refuses a stranger even when it names itself.
  const guarded = await startWorker(['t1'], [clientNode.peerId.toString()]);
  await connect(stranger, guarded);
  await assert.rejects(
    stranger.services.execution.send(guarded.peerId, assign('exec-self', stranger)),
    (err: { remoteCode?: string }) => err.remoteCode === 'WORKER_UNAUTHORIZED_CLIENT',
  );
  await assert.rejects(
    stranger.services.tensors.send(guarded.peerId, 'exec-self', 't1', { z }),
    (err: TensorStreamError) => err.remoteCode === 'TENSOR_STREAM_UNEXPECTED_TASK',
  );
});

test('an input from a peer the assignment does not name is refused before its payload', async () => {
  // The client assigns t1 (its input z from t0's worker); the stranger races t0 with its own z.
  const executionId = 'exec-named-source';
  const assignment: AssignMessage = {
    type: 'assign',
    executionId,
    taskId: 't1',
    bundleId: BUNDLE_ID,
    client: { peer: clientNode.peerId.toString(), addrs: addrsOf(clientNode) },
    routes: [],
    sources: [{ tensor: 'z', peer: t0.peerId.toString() }],
    deadline: Date.now() + 5_000,
  };
  await clientNode.services.execution.send(t1.peerId, assignment);
  const header = await trickler(stranger, t1, 2, executionId);
  try {
    assert.equal(await within(header.verdict, 5_000, 'verdict'), 'TENSOR_STREAM_UNAUTHORIZED_SENDER');
    assert.equal(t1.services.tensorStream.bufferedBytes, 0);
  } finally {
    header.stop();
  }
});
