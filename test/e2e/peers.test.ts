// Real processes on 127.0.0.1 TCP: `splitup node start` for one oracle and two workers that
// bootstrap through the oracle, see each other's heartbeats, and a client that knows only a
// worker and finds the committee (the oracle) through the DHT. Then a graceful shutdown.
import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { type LogLine, PeerProcess } from './peer-process.js';

const HEARTBEAT_MS = 500;

const dir = await mkdtemp(join(tmpdir(), 'splitup-e2e-peers-'));
const common = [
  '--listen',
  '/ip4/127.0.0.1/tcp/0',
  '--heartbeat-interval-ms',
  String(HEARTBEAT_MS),
  '--committee-refresh-ms',
  '1000',
  '--announce-interval-ms',
  '2000',
  '--network',
  'e2e-peers',
];
const procs: PeerProcess[] = [];
let oracle: PeerProcess;
let workers: PeerProcess[];
let ids: { oracle: string; workers: string[] };

before(async () => {
  oracle = new PeerProcess('oracle', ['--role', 'oracle', '--data-dir', join(dir, 'oracle'), ...common]);
  procs.push(oracle);
  const o = await oracle.started();
  workers = [1, 2].map(
    (i) =>
      new PeerProcess(`worker${i}`, [
        '--role',
        'worker',
        '--data-dir',
        join(dir, `w${i}`),
        '--bootstrap',
        o.addr,
        ...common,
      ]),
  );
  procs.push(...workers);
  const w = await Promise.all(workers.map((p) => p.started()));
  ids = { oracle: o.peerId, workers: w.map((x) => x.peerId) };
});

after(async () => {
  for (const p of procs) if (p.child.exitCode === null) p.child.kill('SIGKILL');
});

const heartbeatFrom = (peer: string) => (l: LogLine) => l.event === 'heartbeat.received' && l.from === peer;

test('each worker receives heartbeats of the oracle and of the other worker', async () => {
  const [w1, w2] = workers as [PeerProcess, PeerProcess];
  await w1.waitFor('heartbeat from oracle', heartbeatFrom(ids.oracle));
  await w1.waitFor('heartbeat from worker2', heartbeatFrom(ids.workers[1]!));
  await w2.waitFor('heartbeat from worker1', heartbeatFrom(ids.workers[0]!));
  await oracle.waitFor('heartbeat from worker1', heartbeatFrom(ids.workers[0]!));
});

test('the oracle tracks both workers as online', async () => {
  for (const id of ids.workers) {
    await oracle.waitFor(
      `${id} online`,
      (l) => l.event === 'liveness.changed' && l.peer === id && l.to === 'online',
    );
  }
});

test('a client bootstrapped to a worker lists the oracle as the committee via the DHT', async () => {
  const worker1Addr = (workers[0]!.lines.find((l) => l.event === 'node.started')!.listen as string[])[0]!;
  const client = new PeerProcess('client', [
    '--role',
    'client',
    '--data-dir',
    join(dir, 'client'),
    '--bootstrap',
    worker1Addr,
    ...common,
  ]);
  procs.push(client);
  const change = await client.waitFor(
    'committee with the oracle',
    (l) => l.event === 'committee.changed' && (l.members as string[]).includes(ids.oracle),
  );
  assert.deepEqual(change.members, [ids.oracle]);
  assert.equal(
    client.lines.filter((l) => l.event === 'heartbeat.published').length,
    0,
    'clients do not publish heartbeats',
  );
  client.child.kill('SIGTERM');
  assert.equal(await client.exited, 0);
});

test('a stopped worker shuts down cleanly and the oracle marks it offline', async () => {
  const w2 = workers[1]!;
  w2.child.kill('SIGTERM');
  assert.equal(await w2.exited, 0);
  assert.ok(w2.lines.some((l) => l.event === 'node.stopped'));
  await oracle.waitFor(
    'worker2 offline',
    (l) => l.event === 'liveness.changed' && l.peer === ids.workers[1] && l.to === 'offline',
  );
});

test('SIGINT stops the oracle and the remaining worker with exit code 0', async () => {
  for (const p of [oracle, workers[0]!]) {
    p.child.kill('SIGINT');
    assert.equal(await p.exited, 0, `${p.name} exit code`);
    assert.ok(p.lines.some((l) => l.event === 'node.stopped'));
  }
});
