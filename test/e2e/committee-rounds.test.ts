// Certified liveness rounds between real processes: 3 oracle processes given one committee and a
// worker process serving two tasks of the PaddleOCR det bundle. Every oracle must certify the same
// table, in the same round, listing the worker under both its tasks; an oracle left out of the
// committee says so and runs no rounds.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { generateIdentity } from '../../node/identity/identity.js';
import { writeKeypairFile } from '../../node/identity/keypair-file.js';
import { ocrModel, shapeArg } from '../fixtures/ocr-models.js';
import { type LogLine, PeerProcess, ROOT } from './peer-process.js';

const det = ocrModel('det');
const dir = await mkdtemp(join(tmpdir(), 'splitup-e2e-committee-'));
const procs: PeerProcess[] = [];
let oracles: PeerProcess[] = [];
let committee: string[] = [];
const common = [
  '--listen',
  '/ip4/127.0.0.1/tcp/0',
  '--heartbeat-interval-ms',
  '1500',
  '--network',
  'e2e-committee',
];

before(async () => {
  const deploy = spawnSync(
    process.execPath,
    [
      'node/bin/splitup.mjs',
      'deploy',
      det.path,
      '--target-vram',
      String(det.budgetBytes),
      '--shape',
      shapeArg(det),
      '--out',
      join(dir, 'bundle'),
    ],
    { cwd: ROOT, encoding: 'utf8' },
  );
  assert.equal(deploy.status, 0, deploy.stderr);
  const identities = await Promise.all([0, 1, 2].map(() => generateIdentity()));
  await Promise.all(identities.map((id, i) => writeKeypairFile(join(dir, `oracle-${i}.json`), id)));
  committee = identities.map((id) => id.peerId.toString());
  const oracle = (i: number, bootstrap: string[]) =>
    new PeerProcess(`oracle-${i}`, [
      '--role',
      'oracle',
      '--data-dir',
      join(dir, `oracle-${i}`),
      '--keypair',
      join(dir, `oracle-${i}.json`),
      '--committee',
      committee.join(','),
      ...bootstrap.flatMap((b) => ['--bootstrap', b]),
      ...common,
    ]);
  const first = oracle(0, []);
  procs.push(first);
  // node.started lists the listen addresses with /p2p/<PeerId> already.
  const boot = (await first.started()).addr;
  oracles = [first, oracle(1, [boot]), oracle(2, [boot])];
  procs.push(oracles[1]!, oracles[2]!);
  procs.push(
    new PeerProcess('worker', [
      '--role',
      'worker',
      '--data-dir',
      join(dir, 'worker'),
      '--bundle',
      join(dir, 'bundle'),
      '--tasks',
      'task-00',
      '--tasks',
      'task-01',
      '--threads',
      '1',
      '--bootstrap',
      boot,
      ...common,
    ]),
    new PeerProcess('outsider', [
      '--role',
      'oracle',
      '--data-dir',
      join(dir, 'outsider'),
      '--committee',
      committee.join(','),
      '--bootstrap',
      boot,
      ...common,
    ]),
  );
});

after(async () => {
  for (const p of procs) p.child.kill('SIGTERM');
  await Promise.all(procs.map((p) => p.exited));
  await rm(dir, { recursive: true, force: true });
});

const withWorker = (l: LogLine) => l.event === 'liveness.certified' && (l.tasks as number) >= 2;

test('3 oracle processes certify one table, in one round, with the worker under both its tasks', async () => {
  const firsts = await Promise.all(
    oracles.map((o) => o.waitFor('a certified table listing the worker', withWorker)),
  );
  const round = Math.max(...firsts.map((l) => l.round as number));
  const atRound = await Promise.all(
    oracles.map((o) =>
      o.waitFor(`round ${round} certified`, (l) => l.event === 'liveness.certified' && l.round === round),
    ),
  );
  assert.equal(new Set(atRound.map((l) => l.root)).size, 1, 'oracles certified different tables');
  for (const line of atRound) {
    assert.equal(line.tasks, 2);
    assert.ok((line.votes as number) >= 2, `${line.votes} votes`);
  }
});

test('an oracle outside the committee runs no rounds and says so', async () => {
  const outsider = procs[procs.length - 1]!;
  const line = await outsider.waitFor('liveness.not_a_member', (l) => l.event === 'liveness.not_a_member');
  assert.equal(line.committee, 3);
  assert.ok(!outsider.lines.some((l) => l.event === 'liveness.certified'));
});
