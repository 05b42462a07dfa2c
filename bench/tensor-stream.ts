// Tensor stream vs raw TCP: 64 MiB from one process to another over loopback.
//   node --import tsx bench/tensor-stream.ts [--rounds 5]
// The receiver runs in a child process (as a remote peer would), so sender and receiver each get
// a core. Each round measures, back to back: raw TCP (baseline), then the tensor stream with stock
// or fast noise crypto and default or tuned yamux. Prints medians and ratios.
import '../node/runtime/polyfills.js';
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { createInterface } from 'node:readline';
import type { Libp2p } from '@libp2p/interface';
import { multiaddr } from '@multiformats/multiaddr';
import { fastNoiseCrypto } from '../protocols/noise-fast/index.js';
import { type TensorStream, tensorStream } from '../protocols/tensor-stream/index.js';
import type { TensorSpec } from '../storage/tensors/tensor.js';
import { createLoopbackNode, type LoopbackNodeOptions } from '../test/support/loopback-libp2p.js';

const PAYLOAD_BYTES = 64 * 1024 * 1024;
const TCP_WRITE_BYTES = 1024 * 1024;
const DEFAULT_ROUNDS = 5;
const SPEC: TensorSpec = { name: 'activations', dtype: 'uint8', shape: ['n'] };
const TASK = 'bench-task';
/** Yamux tuned for bulk transfer: a 16 MiB window means the sender rarely waits for updates. */
const TUNED_YAMUX = {
  maxMessageSize: 1024 * 1024,
  streamOptions: { initialStreamWindowSize: 16 * 1024 * 1024, maxStreamWindowSize: 16 * 1024 * 1024 },
} as LoopbackNodeOptions['yamux'];

const VARIANTS: Record<string, LoopbackNodeOptions> = {
  'stock noise + default yamux': {},
  'fast noise + default yamux': { noise: { crypto: fastNoiseCrypto } },
  'stock noise + tuned yamux': { yamux: TUNED_YAMUX },
  'fast noise + tuned yamux': { noise: { crypto: fastNoiseCrypto }, yamux: TUNED_YAMUX },
};

function tensorNode(options: LoopbackNodeOptions): Promise<Libp2p<{ tensors: TensorStream }>> {
  return createLoopbackNode({
    ...options,
    services: {
      tensors: tensorStream({
        interfaceFor: (t) => (t === TASK ? [SPEC] : undefined),
        maxTensorBytes: PAYLOAD_BYTES,
      }),
    },
  }) as Promise<Libp2p<{ tensors: TensorStream }>>;
}

// ---- receiver (child process) ----
async function runReceiver(): Promise<void> {
  const server = net.createServer((socket) => {
    let received = 0;
    socket.on('data', (d) => {
      received += d.byteLength;
      if (received >= PAYLOAD_BYTES) socket.end(Uint8Array.of(1));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addrs: Record<string, string> = {};
  for (const [name, options] of Object.entries(VARIANTS)) {
    const node = await tensorNode(options);
    // Claim every delivered set so the inbox never fills.
    void (async () => {
      for (let i = 0; ; i++) await node.services.tensors.awaitTensors(`exec-${i}`, TASK, [SPEC]);
    })();
    addrs[name] = node.getMultiaddrs()[0]!.toString();
  }
  console.log(JSON.stringify({ tcpPort: (server.address() as net.AddressInfo).port, addrs }));
}

// ---- sender (parent) ----
async function rawTcp(port: number, payload: Uint8Array): Promise<number> {
  const socket = net.connect(port, '127.0.0.1');
  await new Promise((r) => socket.once('connect', r));
  const acked = new Promise((r) => socket.once('data', r));
  const start = performance.now();
  for (let at = 0; at < payload.byteLength; at += TCP_WRITE_BYTES) {
    if (!socket.write(payload.subarray(at, at + TCP_WRITE_BYTES)))
      await new Promise((r) => socket.once('drain', r));
  }
  await acked;
  const seconds = (performance.now() - start) / 1000;
  socket.destroy();
  return payload.byteLength / seconds / 1e6;
}

async function tensorSend(
  node: Libp2p<{ tensors: TensorStream }>,
  to: string,
  round: number,
  payload: Uint8Array,
) {
  const connection = await node.dial(multiaddr(to), { signal: AbortSignal.timeout(10_000) });
  const start = performance.now();
  await node.services.tensors.send(connection.remotePeer, `exec-${round}`, TASK, {
    activations: { dtype: 'uint8', shape: [payload.byteLength], data: payload },
  });
  return payload.byteLength / ((performance.now() - start) / 1000) / 1e6;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function runSender(rounds: number): Promise<void> {
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', new URL(import.meta.url).pathname, '--receiver'],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  try {
    const line = await new Promise<string>((resolve) =>
      createInterface({ input: child.stdout! }).once('line', resolve),
    );
    const { tcpPort, addrs } = JSON.parse(line) as { tcpPort: number; addrs: Record<string, string> };
    const nodes = Object.fromEntries(
      await Promise.all(Object.entries(VARIANTS).map(async ([n, o]) => [n, await tensorNode(o)] as const)),
    );
    const payload = new Uint8Array(randomBytes(PAYLOAD_BYTES));
    const results: Record<string, number[]> = { 'raw TCP': [] };
    for (const name of Object.keys(VARIANTS)) results[name] = [];
    // Warm-up round (JIT, connections), not counted.
    await rawTcp(tcpPort, payload);
    for (const name of Object.keys(VARIANTS))
      await tensorSend(nodes[name]!, addrs[name]!, -1 - 0, payload).catch(() => 0);
    for (let round = 0; round < rounds; round++) {
      results['raw TCP']!.push(await rawTcp(tcpPort, payload));
      for (const name of Object.keys(VARIANTS)) {
        results[name]!.push(await tensorSend(nodes[name]!, addrs[name]!, round, payload));
      }
    }
    const baseline = median(results['raw TCP']!);
    console.log(
      `tensor stream vs raw TCP, ${PAYLOAD_BYTES / 2 ** 20} MiB per send, ${rounds} rounds, medians:`,
    );
    for (const [name, mbps] of Object.entries(results)) {
      const ratio = ((100 * median(mbps)) / baseline).toFixed(0);
      console.log(
        `  ${name.padEnd(30)} ${median(mbps).toFixed(0).padStart(6)} MB/s  ${ratio.padStart(3)}% of raw TCP  (runs: ${mbps.map((x) => x.toFixed(0)).join(' ')})`,
      );
    }
    await Promise.all(Object.values(nodes).map((n) => n.stop()));
  } finally {
    child.kill();
  }
}

const args = process.argv.slice(2);
if (args.includes('--receiver')) await runReceiver();
else {
  const at = args.indexOf('--rounds');
  await runSender(at >= 0 ? Number(args[at + 1]) : DEFAULT_ROUNDS);
}
