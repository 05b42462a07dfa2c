// A worker's tensor inbox under the attacks of issue 15 (findings 2 and 3), over real libp2p peers
// on loopback TCP in one process: a client, two workers (the linear bundle's t0 and t1), and
// strangers. Prints, for each attack, the time until the worker refused it, the inbox bytes and
// the process RSS before and after, and the legitimate inference's median latency with no attack
// and while strangers keep opening 2 GiB header-only streams, in the same run.
//   node --import tsx bench/tensor-inbox-hostile.ts [--rounds 20]
import '../node/runtime/polyfills.js';
import { createHash, randomBytes } from 'node:crypto';
import type { Libp2p, Stream } from '@libp2p/interface';
import { TaskRunner } from '../node/engine/task-runner.js';
import { openBundle } from '../node/model/bundle/open.js';
import type { SplitUpPeer } from '../node/peer/create-peer.js';
import { ClientRole } from '../node/roles/client/client-role.js';
import { WorkerExecutor, type WorkerServices } from '../node/roles/worker/worker-executor.js';
import { WorkerRole } from '../node/roles/worker/worker-role.js';
import { PLACEMENT_SCHEMA, parsePlacement } from '../node/scheduling/placement.js';
import { StreamError, StreamErrorCode } from '../protocols/common/errors.js';
import { type AssignMessage, type ExecutionControl, executionControl } from '../protocols/execution/index.js';
import { encodeHeader } from '../protocols/tensor-stream/header.js';
import {
  TENSOR_STREAM_PROTOCOL,
  type TensorStream,
  type TensorStreamError,
  tensorStream,
} from '../protocols/tensor-stream/index.js';
import type { BundleManifest } from '../storage/bundle/manifest.js';
import type { Tensor } from '../storage/tensors/tensor.js';
import { connect, createLoopbackNode } from '../test/support/loopback-libp2p.js';
import { startRolePeer } from '../test/support/role-peers.js';
import { floatTensor, linearBundle } from '../test/unit/engine/tiny-bundles.js';
import { median } from './lib/stats.js';

const DEFAULT_ROUNDS = 20;
const BUNDLE_ID = 'b'.repeat(64);
const MIB = 1024 * 1024;
const x = floatTensor([2, 4], [1, 2, 3, 4, 5, 6, 7, 8]);
type StrangerNode = Libp2p<{ tensors: TensorStream; execution: ExecutionControl }>;

const args = process.argv.slice(2);
const rounds = args.includes('--rounds') ? Number(args[args.indexOf('--rounds') + 1]) : DEFAULT_ROUNDS;

const { dir, manifest } = (await linearBundle()) as { dir: string; manifest: BundleManifest };
const stops: (() => Promise<void>)[] = [];

async function worker(task: string): Promise<SplitUpPeer<WorkerServices>> {
  const runner = await TaskRunner.openTask(await openBundle(dir, { tasks: [task] }), task, { threads: 1 });
  const executor = new WorkerExecutor(
    {},
    { manifest, bundleId: BUNDLE_ID, runners: new Map([[task, runner]]) },
  );
  const running = await startRolePeer(new WorkerRole({ executor }));
  stops.push(async () => {
    await executor.close();
    await running.stop();
  });
  return running.node as SplitUpPeer<WorkerServices>;
}

const clientRole = new ClientRole();
const clientPeer = await startRolePeer(clientRole);
stops.push(clientPeer.stop);
const [t0, t1] = [await worker('t0'), await worker('t1')];
const addrs = (n: Libp2p) => n.getMultiaddrs().map((a) => a.toString().replace(/\/p2p\/[^/]+$/, ''));
const plan = parsePlacement(
  {
    schema: PLACEMENT_SCHEMA,
    assignments: [
      { task: 't0', peer: t0.peerId.toString(), addrs: addrs(t0) },
      { task: 't1', peer: t1.peerId.toString(), addrs: addrs(t1) },
    ],
  },
  manifest,
);
const inferOnce = async (): Promise<number> => {
  const started = performance.now();
  await clientRole.client.infer({ manifest, bundleId: BUNDLE_ID, plan, inputs: { x }, timeoutMs: 30_000 });
  return performance.now() - started;
};

async function stranger(): Promise<StrangerNode> {
  const node = (await createLoopbackNode({
    services: { tensors: tensorStream(), execution: executionControl() },
  })) as StrangerNode;
  stops.push(async () => {
    await node.stop();
  });
  await connect(node, t1);
  return node;
}

/** Sends a header of z (float32 [batch, 4]) for t1 and then one byte per `everyMs`; resolves with the verdict and its time. */
async function trickle(from: Libp2p, batch: number, executionId: string, everyMs: number) {
  const started = performance.now();
  const stream: Stream = await from.dialProtocol(t1.peerId, TENSOR_STREAM_PROTOCOL);
  // A stream the worker already closed (its stream limit, a flood) counts as refused.
  if (stream.writeStatus !== 'writable')
    return { code: `stream ${stream.writeStatus}`, ms: performance.now() - started };
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
  const timer = setInterval(() => {
    if (stream.writeStatus === 'writable') stream.send(Uint8Array.of(0));
  }, everyMs);
  const bytes: number[] = [];
  for await (const chunk of stream) bytes.push(...chunk.subarray());
  clearInterval(timer);
  stream.abort(new StreamError(StreamErrorCode.ABORTED, 'verdict read')); // frees the stream slot
  const code =
    bytes[0] === 0 ? 'OK' : new TextDecoder().decode(Uint8Array.from(bytes.slice(2, 2 + bytes[1]!)));
  return { code, ms: performance.now() - started };
}

const inbox = () => t1.services.tensorStream.bufferedBytes;
const rssMib = () => process.memoryUsage().rss / MIB;
const fmt = (ms: number) => `${ms.toFixed(1)} ms`;
const row = (label: string, value: string) => console.log(`  ${label.padEnd(58)} ${value}`);

await inferOnce(); // warm-up: sessions, connections, JIT
const s1 = await stranger();
const s2 = await stranger();

console.log(`tensor inbox under attack (linear bundle, t0 and t1 on two workers), ${rounds} rounds`);

// A: two header-only / trickling streams declaring 2 GiB for a loaded task, never assigned.
const a = await Promise.all([
  trickle(s1, 2 ** 27, randomBytes(16).toString('hex'), 2000),
  trickle(s2, 2 ** 27, randomBytes(16).toString('hex'), 2000),
]);
row('A  2 x 2 GiB header-only streams, unassigned: verdicts', a.map((v) => v.code).join(', '));
row('   time to refuse each', a.map((v) => fmt(v.ms)).join(', '));

// Latency without and with a continuous flood of such streams (two at a time).
const quiet: number[] = [];
for (let i = 0; i < rounds; i++) quiet.push(await inferOnce());
let flooding = true;
let floodStreams = 0;
const flood = [s1, s2].map(async (s) => {
  while (flooding) {
    await trickle(s, 2 ** 27, randomBytes(16).toString('hex'), 2000);
    floodStreams++;
  }
});
const loud: number[] = [];
for (let i = 0; i < rounds; i++) loud.push(await inferOnce());
flooding = false;
await Promise.all(flood);
row('   inference latency, median, no attack', fmt(median(quiet)));
row(`   inference latency, median, during the flood (${floodStreams} streams)`, fmt(median(loud)));
row('   ratio', `${(median(loud) / median(quiet)).toFixed(2)}x`);

// B: eight valid 64 MiB tensors (correct sha256) for random, never-assigned executions.
const z: Tensor = { dtype: 'float32', shape: [2 ** 22, 4], data: new Uint8Array(64 * MIB) };
z.sha256 = createHash('sha256').update(z.data).digest();
const rssBefore = rssMib();
const inboxBefore = inbox();
let maxInbox = 0;
const sampler = setInterval(() => {
  maxInbox = Math.max(maxInbox, inbox());
}, 2);
const b: { code: string; ms: number }[] = [];
for (let i = 0; i < 8; i++) {
  const started = performance.now();
  const code = await s1.services.tensors.send(t1.peerId, randomBytes(16).toString('hex'), 't1', { z }).then(
    () => 'OK',
    (err: TensorStreamError) => err.remoteCode ?? err.code,
  );
  b.push({ code, ms: performance.now() - started });
}
clearInterval(sampler);
row('B  8 x 64 MiB valid tensors, unassigned: verdicts', [...new Set(b.map((v) => v.code))].join(', '));
row(
  '   time to refuse each (sender side, median / max)',
  `${fmt(median(b.map((v) => v.ms)))} / ${fmt(Math.max(...b.map((v) => v.ms)))}`,
);
row('   worker inbox bytes before / peak / after', `${inboxBefore} / ${maxInbox} / ${inbox()}`);
row(
  '   process RSS before / after (MiB, sender included)',
  `${rssBefore.toFixed(0)} / ${rssMib().toFixed(0)}`,
);

// C: a trickle of an input the stranger is the named source of (it assigned itself as a client).
const selfAssign = (executionId: string, client: Libp2p): AssignMessage => ({
  type: 'assign',
  executionId,
  taskId: 't1',
  bundleId: BUNDLE_ID,
  client: { peer: client.peerId.toString(), addrs: addrs(client) },
  routes: [],
  sources: [{ tensor: 'z', peer: s1.peerId.toString() }],
  deadline: Date.now() + 120_000,
});
await s1.services.execution.send(t1.peerId, selfAssign('exec-trickle', s1));
const c = await trickle(s1, 256, 'exec-trickle', 500); // 4 KiB at 2 B/s: ~34 min without a deadline
row('C  trickle (2 B/s) of a 4 KiB input it is the named source of', c.code);
row('   time until cut (stall timer alone never fires)', fmt(c.ms));
row('   worker inbox bytes after', String(inbox()));

// D: a stranger's assignment naming the real client, and an unnamed sender's input.
let started = performance.now();
const forged = await s2.services.execution.send(t1.peerId, selfAssign('exec-forged', clientPeer.node)).then(
  () => 'ACCEPTED',
  (err: { remoteCode?: string }) => err.remoteCode ?? 'ERROR',
);
row("D  stranger's assignment naming the real client", `${forged} in ${fmt(performance.now() - started)}`);
await s1.services.execution.send(t1.peerId, selfAssign('exec-named', s1));
started = performance.now();
const unnamed = await trickle(s2, 2, 'exec-named', 2000);
row(
  '   input from a peer the assignment does not name',
  `${unnamed.code} in ${fmt(performance.now() - started)}`,
);

await Promise.allSettled(stops.reverse().map((stop) => stop()));
process.exit(0);
