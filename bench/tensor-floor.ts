// The ceiling this machine allows any tensor protocol that, as ours must, copies each payload into
// one tensor buffer and verifies its sha256 at the receiver: 64 MiB from one process to another
// on loopback, per round and back to back:
//   - raw TCP, the receiver only counting bytes (the tensor-stream bench's baseline);
//   - plain TCP, the receiver copying every chunk into a pre-touched 64 MiB buffer and hashing it;
//   - the same over Node's native TLS 1.3 directly on the socket (no libp2p), with a libp2p
//     certificate, the cheapest encrypted path Node offers.
// The receiver sends back the digest it computed; a wrong digest fails the bench. Also prints what
// sha256 and the copy alone cost per 64 MiB here.
//   node --import tsx bench/tensor-floor.ts [--rounds 7]
import { type ChildProcess, fork } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import net from 'node:net';
import tls from 'node:tls';
import { generateKeyPair } from '@libp2p/crypto/keys';
import { generateCertificate } from '@libp2p/tls/utils';
import { mbps, median } from './lib/stats.js';

const PAYLOAD_BYTES = 64 * 1024 * 1024;
const WRITE_BYTES = 1024 * 1024;
const SHA256_BYTES = 32;
const PIECE_BYTES = 64 * 1024;
const args = process.argv.slice(2);
const ROUNDS = args.includes('--rounds') ? Number(args[args.indexOf('--rounds') + 1]) : 7;

interface Ports {
  count: number;
  hash: number;
  tls: number;
}

// ---- receiver (child process) ----
async function listen(server: net.Server): Promise<number> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as net.AddressInfo).port;
}

/** Copies and hashes every chunk; answers the digest after each payload. */
function copyAndHash(socket: net.Socket, into: Uint8Array): void {
  let at = 0;
  let hash = createHash('sha256');
  socket.on('data', (chunk: Buffer) => {
    for (let offset = 0; offset < chunk.byteLength; ) {
      const take = Math.min(chunk.byteLength - offset, PAYLOAD_BYTES - at);
      const piece = chunk.subarray(offset, offset + take);
      into.set(piece, at);
      hash.update(piece);
      at += take;
      offset += take;
      if (at === PAYLOAD_BYTES) {
        socket.write(hash.digest());
        hash = createHash('sha256');
        at = 0;
      }
    }
  });
}

async function runReceiver(): Promise<void> {
  const into = new Uint8Array(PAYLOAD_BYTES).fill(1); // pre-touched, as a recycled tensor buffer
  const count = net.createServer((socket) => {
    let received = 0;
    socket.on('data', (chunk) => {
      received += chunk.byteLength;
      while (received >= PAYLOAD_BYTES) {
        received -= PAYLOAD_BYTES;
        socket.write(new Uint8Array(SHA256_BYTES));
      }
    });
  });
  const hash = net.createServer((socket) => copyAndHash(socket, into));
  const cert = await generateCertificate(await generateKeyPair('Ed25519'));
  const secure = tls.createServer(
    { ...cert, minVersion: 'TLSv1.3', requestCert: true, rejectUnauthorized: false },
    (socket) => copyAndHash(socket, into),
  );
  const ports: Ports = { count: await listen(count), hash: await listen(hash), tls: await listen(secure) };
  process.send!(ports);
}

// ---- sender (parent) ----
async function send(socket: net.Socket, payload: Uint8Array): Promise<Buffer> {
  const reply = new Promise<Buffer>((resolve) => {
    const parts: Buffer[] = [];
    socket.on('data', (d: Buffer) => {
      parts.push(d);
      const all = Buffer.concat(parts);
      if (all.byteLength >= SHA256_BYTES) resolve(all.subarray(0, SHA256_BYTES));
    });
  });
  for (let at = 0; at < payload.byteLength; at += WRITE_BYTES) {
    if (!socket.write(payload.subarray(at, at + WRITE_BYTES))) await once(socket, 'drain');
  }
  return reply;
}

async function timed(connect: () => Promise<net.Socket>, payload: Uint8Array, digest: Buffer | undefined) {
  const start = performance.now();
  const socket = await connect();
  const reply = await send(socket, payload);
  const ms = performance.now() - start;
  socket.destroy();
  if (digest !== undefined && !reply.equals(digest)) throw new Error('the receiver computed another sha256');
  return mbps(payload.byteLength, ms);
}

async function tcp(port: number): Promise<net.Socket> {
  const socket = net.connect(port, '127.0.0.1');
  await once(socket, 'connect');
  return socket;
}

async function tlsSocket(port: number, cert: { cert: string; key: string }): Promise<net.Socket> {
  const socket = tls.connect({
    port,
    host: '127.0.0.1',
    ...cert,
    minVersion: 'TLSv1.3',
    rejectUnauthorized: false,
  });
  await once(socket, 'secureConnect');
  cipher ??= socket.getCipher().name;
  return socket;
}
let cipher: string | undefined;

/** ms for sha256 and for the copy of `payload` in 64 KiB pieces, in this process. */
function perByteCosts(payload: Uint8Array): { hashMs: number; copyMs: number } {
  const into = new Uint8Array(PAYLOAD_BYTES).fill(1);
  let start = performance.now();
  const hash = createHash('sha256');
  for (let at = 0; at < payload.byteLength; at += PIECE_BYTES)
    hash.update(payload.subarray(at, at + PIECE_BYTES));
  hash.digest();
  const hashMs = performance.now() - start;
  start = performance.now();
  for (let at = 0; at < payload.byteLength; at += PIECE_BYTES)
    into.set(payload.subarray(at, at + PIECE_BYTES), at);
  return { hashMs, copyMs: performance.now() - start };
}

async function runSender(): Promise<void> {
  const child: ChildProcess = fork(process.argv[1]!, ['--receiver'], { execArgv: process.execArgv });
  const [ports] = (await once(child, 'message')) as [Ports];
  const payload = randomBytes(PAYLOAD_BYTES);
  const digest = createHash('sha256').update(payload).digest();
  const cert = await generateCertificate(await generateKeyPair('Ed25519'));
  const rows: Record<string, number[]> = {
    'raw TCP (counts bytes)': [],
    'plain TCP + copy + sha256': [],
    'native TLS 1.3 + copy + sha256': [],
  };
  const costs: { hashMs: number; copyMs: number }[] = [];
  try {
    for (let round = 0; round < ROUNDS; round++) {
      rows['raw TCP (counts bytes)']!.push(await timed(() => tcp(ports.count), payload, undefined));
      rows['plain TCP + copy + sha256']!.push(await timed(() => tcp(ports.hash), payload, digest));
      rows['native TLS 1.3 + copy + sha256']!.push(
        await timed(() => tlsSocket(ports.tls, cert), payload, digest),
      );
      costs.push(perByteCosts(payload));
    }
  } finally {
    child.kill();
  }
  const base = median(rows['raw TCP (counts bytes)']!);
  console.log(
    `the ceiling of a hash-verifying tensor protocol, 64 MiB, ${ROUNDS} rounds, medians (TLS: ${cipher}):`,
  );
  for (const [name, runs] of Object.entries(rows)) {
    const m = median(runs);
    console.log(
      `  ${name.padEnd(32)} ${m.toFixed(0).padStart(6)} MB/s  ${((100 * m) / base).toFixed(0).padStart(3)}% of raw TCP  (runs: ${runs.map((r) => r.toFixed(0)).join(' ')})`,
    );
  }
  const hashMs = median(costs.map((c) => c.hashMs));
  const copyMs = median(costs.map((c) => c.copyMs));
  console.log(
    `  per 64 MiB in one thread: sha256 ${hashMs.toFixed(0)} ms, copy ${copyMs.toFixed(0)} ms; raw TCP moves it in ${((PAYLOAD_BYTES / 1e6 / base) * 1000).toFixed(0)} ms`,
  );
}

if (args.includes('--receiver')) await runReceiver();
else await runSender();
