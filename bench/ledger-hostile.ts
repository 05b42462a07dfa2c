// What a stranger's requests cost `splitup ledger` (issue 15): the time to refuse an oversized
// transaction and what a legitimate getHealth saw meanwhile, against getHealth's own round trip
// measured in this run; and the ledger's memory (RSS, its own process) before and after 30,000
// slotSubscribe attempts on one websocket and while a socket with 1,024 subscriptions stops reading.
// Usage: node --import tsx bench/ledger-hostile.ts [slot interval ms of the ledger, default 10]
import '../node/runtime/polyfills.js';
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { createInterface } from 'node:readline';
import { WebSocket } from 'ws';
import { MAX_REQUEST_BYTES, MAX_SUBSCRIPTIONS_PER_CONNECTION } from '../programs/ledger/constants.js';
import type { LedgerChildStats } from './lib/ledger-child.js';
import { median } from './lib/stats.js';

const SLOT_MS = Number(process.argv[2] ?? 10);
const HEALTH_SAMPLES = 200;
const REFUSAL_SAMPLES = 20;
const SUBSCRIBE_ATTEMPTS = 30_000;
const STALL_LIMIT_MS = 30_000;

const child: ChildProcess = spawn(
  process.execPath,
  ['--import', 'tsx', 'bench/lib/ledger-child.ts', String(SLOT_MS)],
  { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] },
);
const { rpcUrl, wsUrl } = await new Promise<{ rpcUrl: string; wsUrl: string }>((resolve) => {
  createInterface({ input: child.stdout as NodeJS.ReadableStream }).once('line', (line) =>
    resolve(JSON.parse(line)),
  );
});

function stats(): Promise<LedgerChildStats> {
  return new Promise((resolve) => {
    child.once('message', (m) => resolve(m as LedgerChildStats));
    child.send('stats');
  });
}

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;
const ms = (x: number) => `${x.toFixed(2)} ms`;

async function post(body: string): Promise<{ status: number; text: string }> {
  const res = await fetch(rpcUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  return { status: res.status, text: await res.text() };
}

const HEALTH = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'getHealth' });
async function healthMs(): Promise<number> {
  const t = performance.now();
  const { text } = await post(HEALTH);
  if (!text.includes('"ok"')) throw new Error(`getHealth answered ${text}`);
  return performance.now() - t;
}

/** Runs `attack` while getHealth is polled; the slowest getHealth round trip meanwhile. */
async function whilePolling<T>(attack: () => Promise<T>): Promise<{ value: T; healthMaxMs: number }> {
  let polling = true;
  let healthMaxMs = 0;
  const poller = (async () => {
    while (polling) healthMaxMs = Math.max(healthMaxMs, await healthMs());
  })();
  const value = await attack();
  polling = false;
  await poller;
  return { value, healthMaxMs };
}

const ALPHABET = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
function base58Junk(length: number): string {
  let text = '2';
  for (const b of randomBytes(length - 1)) text += ALPHABET[b % 58];
  return text;
}

for (let i = 0; i < 20; i++) await healthMs(); // warm up the connection and the JIT
const health: number[] = [];
for (let i = 0; i < HEALTH_SAMPLES; i++) health.push(await healthMs());
console.log(
  `getHealth round trip (baseline)               median ${ms(median(health))}  max ${ms(Math.max(...health))}`,
);

function sendTransactionCall(chars: number, encoding: 'base58' | 'base64', id = 1) {
  const text = encoding === 'base58' ? base58Junk(chars) : 'A'.repeat(chars);
  return { jsonrpc: '2.0', id, method: 'sendTransaction', params: [text, { encoding }] };
}

async function refusal(label: string, body: string): Promise<void> {
  const times: number[] = [];
  let healthMax = 0;
  let answer = '';
  for (let i = 0; i < REFUSAL_SAMPLES; i++) {
    const { value, healthMaxMs } = await whilePolling(async () => {
      const t = performance.now();
      const { status, text: reply } = await post(body);
      const parsed = JSON.parse(reply);
      answer = `${status} ${(Array.isArray(parsed) ? parsed[0] : parsed).error?.code}`;
      return performance.now() - t;
    });
    times.push(value);
    healthMax = Math.max(healthMax, healthMaxMs);
  }
  console.log(
    `${label.padEnd(46)} refused in ${ms(median(times))} (HTTP ${answer})  getHealth max meanwhile ${ms(healthMax)}`,
  );
}
const one = (chars: number, encoding: 'base58' | 'base64') =>
  JSON.stringify(sendTransactionCall(chars, encoding));
await refusal('sendTransaction, 100,000 base58 chars', one(100_000, 'base58'));
await refusal('sendTransaction, 40,000 base58 chars', one(40_000, 'base58'));
await refusal('sendTransaction, 1,683 base58 chars (the cap)', one(1683, 'base58'));
await refusal('sendTransaction, 40,000 base64 chars', one(40_000, 'base64'));
// The most decoding one body can ask for: as many cap-length base58 transactions as fit in it.
const perBody = Math.floor(
  MAX_REQUEST_BYTES / (JSON.stringify(sendTransactionCall(1683, 'base58')).length + 1),
);
await refusal(
  `batch of ${perBody} × 1,683 base58 chars (a full body)`,
  JSON.stringify(Array.from({ length: perBody }, (_, i) => sendTransactionCall(1683, 'base58', i))),
);

// 30,000 slotSubscribe attempts on one websocket, in batches of 100 requests per message.
const before = await stats();
const ws = new WebSocket(wsUrl);
await new Promise((resolve) => ws.once('open', resolve));
let granted = 0;
let refused = 0;
const { healthMaxMs: subscribeHealthMax } = await whilePolling(async () => {
  for (let start = 0; start < SUBSCRIBE_ATTEMPTS; start += 100) {
    const batch = Array.from({ length: 100 }, (_, i) => ({
      jsonrpc: '2.0',
      id: start + i,
      method: 'slotSubscribe',
    }));
    const replies = await new Promise<{ result?: number; error?: unknown }[]>((resolve) => {
      const onMessage = (data: unknown) => {
        const parsed = JSON.parse(String(data));
        if (!Array.isArray(parsed)) return; // a slot notification
        ws.off('message', onMessage);
        resolve(parsed);
      };
      ws.on('message', onMessage);
      ws.send(JSON.stringify(batch));
    });
    for (const r of replies) r.error ? refused++ : granted++;
  }
});
const afterSubscribe = await stats();
console.log(
  `${SUBSCRIBE_ATTEMPTS} slotSubscribe attempts: ${granted} granted, ${refused} refused; ledger RSS ${mib(before.rss)} -> ${mib(afterSubscribe.rss)}; getHealth max meanwhile ${ms(subscribeHealthMax)}`,
);
await new Promise<void>((resolve) => {
  ws.once('close', () => resolve());
  ws.close();
});

/** A websocket handshake by hand, so the socket can stop reading. */
async function rawWebSocket(): Promise<Socket> {
  const { hostname, port } = new URL(wsUrl);
  const socket = connect(Number(port), hostname);
  socket.on('error', () => {});
  await new Promise((resolve) => socket.once('connect', resolve));
  socket.write(
    `GET / HTTP/1.1\r\nHost: ${hostname}:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
  );
  await new Promise((resolve) => socket.once('data', resolve));
  return socket;
}

function textFrame(text: string): Buffer {
  const payload = Buffer.from(text);
  const mask = randomBytes(4);
  const head = Buffer.from([0x81, 0x80 | 126, payload.length >> 8, payload.length & 0xff]);
  return Buffer.concat([head, mask, payload.map((b, i) => b ^ (mask[i % 4] as number))]);
}

const stalled = await rawWebSocket();
for (let start = 0; start < MAX_SUBSCRIPTIONS_PER_CONNECTION; start += 100) {
  const count = Math.min(100, MAX_SUBSCRIPTIONS_PER_CONNECTION - start);
  const batch = Array.from({ length: count }, (_, i) => ({
    jsonrpc: '2.0',
    id: start + i,
    method: 'slotSubscribe',
  }));
  stalled.write(textFrame(JSON.stringify(batch)));
}
while ((await stats()).subscriptions < MAX_SUBSCRIPTIONS_PER_CONNECTION)
  await new Promise((r) => setTimeout(r, 20));
const beforeStall = await stats();
stalled.pause();
const stallStart = performance.now();
let peak = beforeStall.rss;
let current = beforeStall;
const { healthMaxMs: stallHealthMax } = await whilePolling(async () => {
  while (current.websockets > 0 && performance.now() - stallStart < STALL_LIMIT_MS) {
    await new Promise((r) => setTimeout(r, 25));
    current = await stats();
    peak = Math.max(peak, current.rss);
  }
});
const cutOffMs = performance.now() - stallStart;
const afterStall = await stats();
console.log(
  `stalled socket (1,024 subscriptions, ${SLOT_MS} ms slots): ${current.websockets === 0 ? `cut off after ${cutOffMs.toFixed(0)} ms` : `NOT cut off in ${STALL_LIMIT_MS} ms`}; ledger RSS ${mib(beforeStall.rss)} -> peak ${mib(peak)} -> ${mib(afterStall.rss)} after; subscriptions left ${afterStall.subscriptions}; getHealth max meanwhile ${ms(stallHealthMax)}`,
);
stalled.destroy();
child.disconnect();
