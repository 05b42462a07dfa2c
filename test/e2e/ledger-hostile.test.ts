// What a stranger can send the ledger's RPC and websocket ports (issue 15, findings 4–6), against
// a real `splitup ledger` process or the real server on a real socket: bad filters are -32602,
// oversized text is refused before it is decoded while getHealth keeps answering, subscriptions
// and websockets are capped, and a socket that stops reading is cut off and freed.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { after, before, test } from 'node:test';
import { WebSocket } from 'ws';
import { LedgerBank } from '../../programs/ledger/bank.js';
import {
  MAX_SUBSCRIPTIONS_PER_CONNECTION,
  MAX_SUBSCRIPTIONS_TOTAL,
  MAX_WEBSOCKET_BACKLOG_BYTES,
  MAX_WEBSOCKET_CONNECTIONS,
} from '../../programs/ledger/constants.js';
import { type LedgerServer, startLedgerServer } from '../../programs/ledger/server.js';
import { type LedgerProcess, startLedgerProcess } from './ledger-process.js';

/** The bound: a 100 KB base58 string is refused in under 50 ms. */
const REFUSAL_BOUND_MS = 50;
/**
 * The bound holds for the fastest of this many tries, so a busy machine's scheduling noise (the
 * suite runs files side by side on 2 cores) does not count; before the fix every try took seconds.
 */
const REFUSAL_TRIES = 5;
/** Generous: getHealth must keep answering during the attack, not be fast on a busy machine. */
const HEALTH_BOUND_MS = 1000;
/** A socket that stops reading is cut off well within this (seconds at the test's slot pace). */
const STALL_CUTOFF_TIMEOUT_MS = 30_000;
/** Memory the test process may grow by while one socket stalls: its backlog bound plus slack. */
const STALL_RSS_BOUND_BYTES = MAX_WEBSOCKET_BACKLOG_BYTES + 96 * 1024 * 1024;

interface Reply {
  id?: unknown;
  result?: unknown;
  error?: { code: number; message: string };
}

let ledger: LedgerProcess;
before(async () => {
  ledger = await startLedgerProcess(['--no-program']);
});
after(async () => {
  await ledger?.stop();
});

async function post(url: string, body: unknown): Promise<{ status: number; reply: Reply }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, reply: text ? (JSON.parse(text) as Reply) : {} };
}

function call(method: string, params: unknown[] = [], id: number | string = 1) {
  return { jsonrpc: '2.0', id, method, params };
}

/** Opens a websocket and answers each request sent on it, by id. */
async function openWs(url: string): Promise<{ ws: WebSocket; request(body: unknown): Promise<Reply[]> }> {
  const ws = new WebSocket(url);
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const waiting: ((replies: Reply[]) => void)[] = [];
  ws.on('message', (data) => {
    const parsed = JSON.parse(String(data)) as Reply | Reply[];
    if (!Array.isArray(parsed) && parsed.id === undefined) return; // a notification
    waiting.shift()?.(Array.isArray(parsed) ? parsed : [parsed]);
  });
  return {
    ws,
    request(body) {
      return new Promise((resolve) => {
        waiting.push(resolve);
        ws.send(JSON.stringify(body));
      });
    },
  };
}

function closeWs(ws: WebSocket): Promise<void> {
  if (ws.readyState === ws.CLOSED) return Promise.resolve();
  return new Promise((resolve) => {
    ws.once('close', () => resolve());
    ws.close();
  });
}

/** `count` slotSubscribe requests in batches of 100 (one websocket message each). */
async function subscribeSlots(client: Awaited<ReturnType<typeof openWs>>, count: number): Promise<Reply[]> {
  const replies: Reply[] = [];
  for (let start = 0; start < count; start += 100) {
    const batch = [];
    for (let i = start; i < Math.min(count, start + 100); i++) batch.push(call('slotSubscribe', [], i));
    replies.push(...(await client.request(batch)));
  }
  return replies;
}

const BAD_FILTERS: unknown[][] = [[5], ['dataSize'], [null], [[1]], [true]];

test('getProgramAccounts with a filter that is not an object is -32602 saying so', async () => {
  const owner = '11111111111111111111111111111111';
  for (const filters of BAD_FILTERS) {
    const { reply } = await post(ledger.ready.rpcUrl, call('getProgramAccounts', [owner, { filters }]));
    assert.equal(reply.error?.code, -32602, JSON.stringify({ filters, reply }));
    assert.match(reply.error.message, /filter 0 must be an object/);
  }
});

test('programSubscribe with a filter that is not an object is -32602 saying so', async () => {
  const client = await openWs(ledger.ready.wsUrl);
  try {
    for (const filters of BAD_FILTERS) {
      const [reply] = await client.request(
        call('programSubscribe', ['11111111111111111111111111111111', { filters }]),
      );
      assert.equal(reply?.error?.code, -32602, JSON.stringify({ filters, reply }));
      assert.match(reply.error.message, /filter 0 must be an object/);
    }
  } finally {
    await closeWs(client.ws);
  }
});

/**
 * Sends `attack` REFUSAL_TRIES times, polling getHealth meanwhile: the fastest refusal and the
 * slowest getHealth round trip.
 */
async function underAttack(attack: () => Promise<void>): Promise<{ refusedMs: number; healthMaxMs: number }> {
  let polling = true;
  let healthMaxMs = 0;
  let answered = 0;
  const poller = (async () => {
    while (polling) {
      const t = performance.now();
      const { reply } = await post(ledger.ready.rpcUrl, call('getHealth'));
      assert.equal(reply.result, 'ok');
      healthMaxMs = Math.max(healthMaxMs, performance.now() - t);
      answered++;
    }
  })();
  await new Promise((r) => setTimeout(r, 20));
  let refusedMs = Number.POSITIVE_INFINITY;
  for (let i = 0; i < REFUSAL_TRIES; i++) {
    const t = performance.now();
    await attack();
    refusedMs = Math.min(refusedMs, performance.now() - t);
  }
  await new Promise((r) => setTimeout(r, 20));
  polling = false;
  await poller;
  assert.ok(answered > 0, 'getHealth answered during the attack');
  return { refusedMs, healthMaxMs };
}

const BASE58_ALPHABET = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
function base58Junk(length: number): string {
  const bytes = randomBytes(length);
  let text = '';
  for (const b of bytes) text += BASE58_ALPHABET[b % 58];
  return `2${text.slice(1)}`;
}

test('a 100,000-character base58 transaction is refused in under 50 ms while getHealth answers', async () => {
  await post(ledger.ready.rpcUrl, call('getHealth')); // warm the connection
  const { refusedMs, healthMaxMs } = await underAttack(async () => {
    const { status, reply } = await post(ledger.ready.rpcUrl, call('sendTransaction', [base58Junk(100_000)]));
    // The body cap (50 KiB) refuses it before it is parsed.
    assert.equal(status, 413);
    assert.equal(reply.error?.code, -32600);
  });
  assert.ok(refusedMs < REFUSAL_BOUND_MS, `refused in ${refusedMs.toFixed(1)} ms`);
  assert.ok(healthMaxMs < HEALTH_BOUND_MS, `getHealth took up to ${healthMaxMs.toFixed(1)} ms`);
});

test('base58 text under the body cap is refused by its length before decoding, as fast', async () => {
  const cases: [string, unknown[], RegExp][] = [
    ['sendTransaction', [base58Junk(40_000)], /transaction is 40000 base58 characters, more than the 1683/],
    ['getBalance', [base58Junk(40_000)], /pubkey is 40000 base58 characters, more than the 44/],
    ['getTransaction', [base58Junk(40_000)], /signature is 40000 base58 characters, more than the 88/],
    [
      'getProgramAccounts',
      [
        '11111111111111111111111111111111',
        { filters: [{ memcmp: { offset: 0, bytes: base58Junk(40_000) } }] },
      ],
      /memcmp.bytes is 40000 base58 characters, more than the 175/,
    ],
    [
      'sendTransaction',
      ['A'.repeat(40_000), { encoding: 'base64' }],
      /transaction is 40000 base64 characters, more than the 1644/,
    ],
  ];
  for (const [method, params, message] of cases) {
    const { refusedMs, healthMaxMs } = await underAttack(async () => {
      const { reply } = await post(ledger.ready.rpcUrl, call(method, params));
      assert.equal(reply.error?.code, -32602, method);
      assert.match(reply.error.message, message);
    });
    assert.ok(refusedMs < REFUSAL_BOUND_MS, `${method} refused in ${refusedMs.toFixed(1)} ms`);
    assert.ok(healthMaxMs < HEALTH_BOUND_MS, `getHealth took up to ${healthMaxMs.toFixed(1)} ms`);
  }
});

// ---- the real server on a real socket, in this process (its counters and memory are readable) --

async function inProcessLedger(slotIntervalMs: number): Promise<{ bank: LedgerBank; server: LedgerServer }> {
  const bank = new LedgerBank({ slotIntervalMs });
  const server = await startLedgerServer(bank, { host: '127.0.0.1', port: 0 });
  return { bank, server };
}

async function waitFor(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('subscriptions past the per-connection cap are refused; unsubscribing makes room; close frees all', async () => {
  const { bank, server } = await inProcessLedger(0);
  try {
    const client = await openWs(server.wsUrl);
    const replies = await subscribeSlots(client, MAX_SUBSCRIPTIONS_PER_CONNECTION + 5);
    const granted = replies.filter((r) => typeof r.result === 'number');
    const refused = replies.filter((r) => r.error);
    assert.equal(granted.length, MAX_SUBSCRIPTIONS_PER_CONNECTION);
    assert.equal(refused.length, 5);
    assert.equal(refused[0]?.error?.code, -32603);
    assert.match(refused[0]?.error?.message ?? '', /Subscription refused: this connection holds 1024/);
    const [unsubscribed] = await client.request(call('slotUnsubscribe', [granted[0]?.result]));
    assert.equal(unsubscribed?.result, true);
    const [again] = await client.request(call('slotSubscribe'));
    assert.equal(typeof again?.result, 'number');
    assert.equal(server.subscriptions.size, MAX_SUBSCRIPTIONS_PER_CONNECTION);
    await closeWs(client.ws);
    await waitFor(() => server.subscriptions.size === 0, 5000, 'subscriptions freed on close');
    assert.equal(server.subscriptions.connections, 0);
  } finally {
    await server.close();
    bank.close();
  }
});

test('subscriptions past the total cap are refused on any connection', async () => {
  const { bank, server } = await inProcessLedger(0);
  const clients: Awaited<ReturnType<typeof openWs>>[] = [];
  try {
    const perClient = MAX_SUBSCRIPTIONS_PER_CONNECTION;
    for (let i = 0; i < MAX_SUBSCRIPTIONS_TOTAL / perClient; i++) {
      const client = await openWs(server.wsUrl);
      clients.push(client);
      const replies = await subscribeSlots(client, perClient);
      assert.ok(replies.every((r) => typeof r.result === 'number'));
    }
    assert.equal(server.subscriptions.size, MAX_SUBSCRIPTIONS_TOTAL);
    const late = await openWs(server.wsUrl);
    clients.push(late);
    const [refused] = await late.request(call('slotSubscribe'));
    assert.equal(refused?.error?.code, -32603);
    assert.match(refused?.error?.message ?? '', /the ledger holds 16384 subscriptions/);
  } finally {
    await Promise.all(clients.map((c) => closeWs(c.ws)));
    await server.close();
    bank.close();
  }
});

test('websockets past the connection cap are refused with 503', async () => {
  const { bank, server } = await inProcessLedger(0);
  const sockets: WebSocket[] = [];
  try {
    for (let i = 0; i < MAX_WEBSOCKET_CONNECTIONS; i++) sockets.push((await openWs(server.wsUrl)).ws);
    assert.equal(server.websockets, MAX_WEBSOCKET_CONNECTIONS);
    const status = await new Promise<number>((resolve, reject) => {
      const extra = new WebSocket(server.wsUrl);
      extra.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      extra.once('open', () => reject(new Error('the connection past the cap was accepted')));
      extra.once('error', () => {});
    });
    assert.equal(status, 503);
  } finally {
    await Promise.all(sockets.map(closeWs));
    await server.close();
    bank.close();
  }
});

/** A websocket client that does the handshake by hand, so it can stop reading (pause) at will. */
async function rawWebSocket(wsUrl: string): Promise<Socket> {
  const { hostname, port } = new URL(wsUrl);
  const socket = connect(Number(port), hostname);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('error', reject);
  });
  socket.write(
    `GET / HTTP/1.1\r\nHost: ${hostname}:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
  );
  await new Promise<void>((resolve, reject) => {
    let head = '';
    const onData = (d: Buffer) => {
      head += d.toString('latin1');
      if (!head.includes('\r\n\r\n')) return;
      socket.off('data', onData);
      if (head.startsWith('HTTP/1.1 101')) resolve();
      else reject(new Error(`handshake refused: ${head.split('\r\n')[0]}`));
    };
    socket.on('data', onData);
  });
  return socket;
}

/** One masked text frame (clients must mask), payload under 64 KiB. */
function textFrame(text: string): Buffer {
  const payload = Buffer.from(text);
  const mask = randomBytes(4);
  const head =
    payload.length < 126
      ? Buffer.from([0x81, 0x80 | payload.length])
      : Buffer.from([0x81, 0x80 | 126, payload.length >> 8, payload.length & 0xff]);
  const masked = Buffer.alloc(payload.length);
  for (let i = 0; i < payload.length; i++) masked[i] = (payload[i] as number) ^ (mask[i % 4] as number);
  return Buffer.concat([head, mask, masked]);
}

test('a socket that stops reading is cut off at its backlog bound, its subscriptions freed', async () => {
  // Fast slots make the notifications a stalled reader would pile up arrive in seconds.
  const { bank, server } = await inProcessLedger(10);
  try {
    const socket = await rawWebSocket(server.wsUrl);
    socket.on('error', () => {});
    for (let start = 0; start < MAX_SUBSCRIPTIONS_PER_CONNECTION; start += 100) {
      const batch = [];
      for (let i = start; i < Math.min(MAX_SUBSCRIPTIONS_PER_CONNECTION, start + 100); i++)
        batch.push(call('slotSubscribe', [], i));
      socket.write(textFrame(JSON.stringify(batch)));
    }
    await waitFor(
      () => server.subscriptions.size === MAX_SUBSCRIPTIONS_PER_CONNECTION,
      10_000,
      'the subscriptions',
    );
    const rssBefore = process.memoryUsage().rss;
    let rssPeak = rssBefore;
    const sampler = setInterval(() => {
      rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
    }, 50);
    socket.pause(); // stops reading: the ledger's sends now queue
    try {
      await waitFor(
        () => server.websockets === 0,
        STALL_CUTOFF_TIMEOUT_MS,
        'the stalled socket to be cut off',
      );
    } finally {
      clearInterval(sampler);
    }
    assert.equal(server.subscriptions.size, 0);
    assert.equal(server.subscriptions.connections, 0);
    assert.ok(
      rssPeak - rssBefore < STALL_RSS_BOUND_BYTES,
      `grew ${((rssPeak - rssBefore) / 2 ** 20).toFixed(1)} MiB while the socket stalled`,
    );
    socket.destroy();
  } finally {
    await server.close();
    bank.close();
  }
});
