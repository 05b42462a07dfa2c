// Tensor stream vs raw TCP: 64 MiB from one process to another over loopback.
//   node --import tsx bench/tensor-stream.ts [--rounds 5] [--only <part of a row name>]
// The receiver runs in a child process (as a remote peer would), so sender and receiver each get
// a core. Each round measures, back to back:
//   - raw TCP on a fresh connection (the baseline) and on a warm one;
//   - a plain libp2p stream on the peer's own transport (TLS + yamux): no protocol on top, so the
//     ceiling for any protocol on that transport;
//   - the tensor stream over TLS as a plain caller uses it: hashing at send, a fresh buffer for
//     every received tensor;
//   - the tensor stream as a worker uses it: the producer's sha256 (the engine hashes outputs in
//     its worker thread) and received buffers recycled (the engine hands input buffers back);
//   - the same over noise, what a noise-only peer gets;
//   - the tensor stream with the sender's direct data channel (what peers use by default): the
//     header on the libp2p stream, the payload AES-128-CTR encrypted on a plain socket.
// Prints medians and ratios against the baselines of the same run. `--only direct` runs the two
// baselines and the rows naming "direct" alone, so no other row's garbage lands in their time.
import '../node/runtime/polyfills.js';
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import net from 'node:net';
import { createInterface } from 'node:readline';
import type { Libp2p, Stream } from '@libp2p/interface';
import { multiaddr } from '@multiformats/multiaddr';
import { type TensorStream, tensorStream } from '../protocols/tensor-stream/index.js';
import type { Tensor, TensorSpec } from '../storage/tensors/tensor.js';
import { createLoopbackNode, type LoopbackNodeOptions } from '../test/support/loopback-libp2p.js';
import { mbps, median } from './lib/stats.js';

const PAYLOAD_BYTES = 64 * 1024 * 1024;
const WRITE_BYTES = 1024 * 1024;
const DEFAULT_ROUNDS = 5;
const SPEC: TensorSpec = { name: 'activations', dtype: 'uint8', shape: ['n'] };
const TASK = 'bench-task';
const SINK_PROTOCOL = '/splitup/bench-sink/1.0.0';
/**
 * Receiving peers, one per use: the peer's default transport (TLS first) or noise only, and
 * whether the consumer hands buffers back with recycle() (a worker's engine does). Separate
 * peers, so one use does not drain the other's buffer pool.
 */
const RECEIVERS: Record<string, { options: LoopbackNodeOptions; recycles: boolean }> = {
  plain: { options: {}, recycles: false },
  worker: { options: {}, recycles: true },
  directWorker: { options: {}, recycles: true },
  noiseWorker: { options: { encrypter: 'noise' }, recycles: true },
};

type BenchNode = Libp2p<{ tensors: TensorStream }>;

function benchNode(options: LoopbackNodeOptions, direct = false): Promise<BenchNode> {
  return createLoopbackNode({
    ...options,
    services: {
      tensors: tensorStream({
        maxTensorBytes: PAYLOAD_BYTES,
        ...(direct ? { direct: { host: '127.0.0.1' } } : {}),
      }),
    },
  }) as Promise<BenchNode>;
}

/** Writes `payload` in 1 MiB slices, waiting for the socket or stream to drain. */
async function writeAll(
  write: (chunk: Uint8Array) => boolean,
  drain: () => Promise<unknown>,
  payload: Uint8Array,
): Promise<void> {
  for (let at = 0; at < payload.byteLength; at += WRITE_BYTES) {
    if (!write(payload.subarray(at, at + WRITE_BYTES))) await drain();
  }
}

// ---- receiver (child process) ----
async function runReceiver(): Promise<void> {
  // Answers one byte per PAYLOAD_BYTES received, so a connection can carry several rounds.
  const server = net.createServer((socket) => {
    let received = 0;
    socket.on('data', (d) => {
      received += d.byteLength;
      while (received >= PAYLOAD_BYTES) {
        received -= PAYLOAD_BYTES;
        socket.write(Uint8Array.of(1));
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addrs: Record<string, string> = {};
  for (const [name, { options, recycles }] of Object.entries(RECEIVERS)) {
    const node = await benchNode(options);
    await node.handle(SINK_PROTOCOL, async (stream: Stream) => {
      for await (const _ of stream);
      stream.send(Uint8Array.of(1));
      await stream.close();
    });
    // Await every set in turn from the one sender (the parent), once it connects: a receiver
    // accepts tensors only for an (execution, task) it awaits, from the sender it names.
    node.addEventListener(
      'peer:connect',
      (evt) => {
        const senders = { [SPEC.name]: evt.detail.toString() };
        void (async () => {
          for (let i = 0; ; i++) {
            const got = await node.services.tensors.awaitTensors(
              `exec-${i}`,
              TASK,
              [SPEC],
              undefined,
              senders,
            );
            if (recycles) node.services.tensors.recycle([got[SPEC.name]!.data]);
          }
        })();
      },
      { once: true },
    );
    addrs[name] = node.getMultiaddrs()[0]!.toString();
  }
  console.log(JSON.stringify({ tcpPort: (server.address() as net.AddressInfo).port, addrs }));
}

// ---- sender (parent) ----
async function rawTcp(socket: net.Socket, payload: Uint8Array): Promise<number> {
  const acked = new Promise((r) => socket.once('data', r));
  const start = performance.now();
  await writeAll(
    (c) => socket.write(c),
    () => new Promise((r) => socket.once('drain', r)),
    payload,
  );
  await acked;
  return mbps(payload.byteLength, performance.now() - start);
}

async function tcpConnect(port: number): Promise<net.Socket> {
  const socket = net.connect(port, '127.0.0.1');
  await new Promise((r) => socket.once('connect', r));
  return socket;
}

async function freshTcp(port: number, payload: Uint8Array): Promise<number> {
  const socket = await tcpConnect(port);
  try {
    return await rawTcp(socket, payload);
  } finally {
    socket.destroy();
  }
}

async function libp2pStream(node: BenchNode, to: string, payload: Uint8Array): Promise<number> {
  const stream = await node.dialProtocol(multiaddr(to), SINK_PROTOCOL);
  const start = performance.now();
  await writeAll(
    (c) => stream.send(c),
    () => stream.onDrain(),
    payload,
  );
  await stream.close();
  for await (const _ of stream) break; // the receiver's byte: everything arrived
  return mbps(payload.byteLength, performance.now() - start);
}

/** Sets sent so far per receiver: it claims them in this order. */
const sent = new Map<string, number>();

async function tensorSend(node: BenchNode, to: string, tensor: Tensor): Promise<number> {
  const connection = await node.dial(multiaddr(to), { signal: AbortSignal.timeout(10_000) });
  const n = sent.get(to) ?? 0;
  sent.set(to, n + 1);
  const start = performance.now();
  const result = await node.services.tensors.send(connection.remotePeer, `exec-${n}`, TASK, {
    activations: tensor,
  });
  const ms = performance.now() - start;
  const expectDirect = node.services.tensors.directPort !== undefined;
  if ((result.direct === 1) !== expectDirect)
    throw new Error(`expected direct=${expectDirect}, got ${JSON.stringify(result)}`);
  return mbps(tensor.data.byteLength, ms);
}

/** The baselines every ratio needs: they run whatever `--only` says. */
const BASELINES = ['raw TCP, fresh connection', 'libp2p stream (TLS+yamux)'];

async function runSender(rounds: number, only: string | undefined): Promise<void> {
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', new URL(import.meta.url).pathname, '--receiver'],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  try {
    const line = await new Promise<string>((resolve) =>
      createInterface({ input: child.stdout! }).once('line', resolve),
    );
    const { tcpPort, addrs } = JSON.parse(line) as { tcpPort: number; addrs: Record<string, string> };
    const tlsNode = await benchNode({});
    const noiseNode = await benchNode({ encrypter: 'noise' });
    const directNode = await benchNode({}, true);
    const payload = new Uint8Array(randomBytes(PAYLOAD_BYTES));
    const plain: Tensor = { dtype: 'uint8', shape: [PAYLOAD_BYTES], data: payload };
    const hashed: Tensor = { ...plain, sha256: createHash('sha256').update(payload).digest() };
    const warmSocket = await tcpConnect(tcpPort);
    const allVariants: Record<string, () => Promise<number>> = {
      'raw TCP, fresh connection': () => freshTcp(tcpPort, payload),
      'raw TCP, warm connection': () => rawTcp(warmSocket, payload),
      'libp2p stream (TLS+yamux)': () => libp2pStream(tlsNode, addrs.plain!, payload),
      'tensor stream, TLS, plain use': () => tensorSend(tlsNode, addrs.plain!, plain),
      'tensor stream, TLS, as a worker': () => tensorSend(tlsNode, addrs.worker!, hashed),
      'tensor stream, noise, as a worker': () => tensorSend(noiseNode, addrs.noiseWorker!, hashed),
      'tensor stream, direct, as a worker': () => tensorSend(directNode, addrs.directWorker!, hashed),
    };
    const variants = Object.fromEntries(
      Object.entries(allVariants).filter(
        ([name]) => only === undefined || BASELINES.includes(name) || name.includes(only),
      ),
    );
    const results: Record<string, number[]> = Object.fromEntries(Object.keys(variants).map((n) => [n, []]));
    // Round 0 warms up (JIT, connections, yamux windows, the buffer pool) and is not counted.
    for (let round = 0; round <= rounds; round++) {
      for (const [name, run] of Object.entries(variants)) {
        const value = await run();
        if (round > 0) results[name]!.push(value);
      }
    }
    const tcp = median(results['raw TCP, fresh connection']!);
    const ceiling = median(results['libp2p stream (TLS+yamux)']!);
    console.log(
      `tensor stream vs raw TCP, ${PAYLOAD_BYTES / 2 ** 20} MiB per send, ${rounds} rounds, medians:`,
    );
    console.log(`  ${''.padEnd(34)}   MB/s  of raw TCP  of libp2p stream`);
    for (const [name, runs] of Object.entries(results)) {
      const m = median(runs);
      const ofTcp = `${((100 * m) / tcp).toFixed(0)}%`.padStart(10);
      const ofCeiling = `${((100 * m) / ceiling).toFixed(0)}%`.padStart(16);
      console.log(
        `  ${name.padEnd(34)} ${m.toFixed(0).padStart(6)} ${ofTcp} ${ofCeiling}  (runs: ${runs.map((x) => x.toFixed(0)).join(' ')})`,
      );
    }
    warmSocket.destroy();
    await Promise.all([tlsNode.stop(), noiseNode.stop(), directNode.stop()]);
  } finally {
    child.kill();
  }
}

const args = process.argv.slice(2);
if (args.includes('--receiver')) await runReceiver();
else {
  const value = (flag: string) => (args.includes(flag) ? args[args.indexOf(flag) + 1] : undefined);
  await runSender(Number(value('--rounds') ?? DEFAULT_ROUNDS), value('--only'));
}
