// Liveness rounds over real gossipsub: 4 oracles and 5 worker-like nodes on the memory transport,
// full libp2p stacks. One oracle withholds (runs no rounds); the 3 honest ones must certify the
// same table, listing every node under its task, within a few rounds.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, test } from 'node:test';
import { generateKeyPair } from '@libp2p/crypto/keys';
import type { PrivateKey } from '@libp2p/interface';
import type { SplitUpPeer } from '../../node/peer/create-peer.js';
import { VOTE_TOPIC } from '../../protocols/committee/round/constants.js';
import { type CertifiedRound, LivenessRounds } from '../../protocols/committee/round/service.js';
import { signVote } from '../../protocols/committee/round/vote.js';
import { type Heartbeat, heartbeat } from '../../protocols/heartbeat/index.js';
import { QUIET_DHT } from './heartbeat-mesh.js';
import { connect, createMemoryPeer, stopAll, waitFor } from './memory-network.js';

const INTERVAL_MS = 1_500;
const ORACLES = 4;
const NODES = 5;
/** Mesh formation plus the two-interval window on two shared cores: an outcome deadline. */
const CERTIFIED_DEADLINE_MS = 30_000;
const networkId = new Uint8Array(createHash('sha256').update('sim').digest());

type Peer = SplitUpPeer<{ heartbeat: Heartbeat }>;
let peers: Peer[] = [];
let rounds: LivenessRounds[] = [];
const certified: CertifiedRound[][] = [];
const invalid: string[][] = [];

before(async () => {
  const oracleKeys: PrivateKey[] = await Promise.all(
    Array.from({ length: ORACLES }, () => generateKeyPair('Ed25519')),
  );
  const oracles = await Promise.all(
    oracleKeys.map((privateKey) =>
      createMemoryPeer({
        privateKey,
        services: { heartbeat: heartbeat({ intervalMs: INTERVAL_MS }) },
        dht: QUIET_DHT,
      }),
    ),
  );
  const nodes = await Promise.all(
    Array.from({ length: NODES }, (_, i) =>
      createMemoryPeer({
        services: {
          heartbeat: heartbeat({
            intervalMs: INTERVAL_MS,
            localStatus: () => ({ status: 'ready', freeVramBytes: 1n << 30n, tasks: [`m/task-0${i % 2}`] }),
          }),
        },
        dht: QUIET_DHT,
      }),
    ),
  );
  peers = [...oracles, ...nodes];
  for (let i = 0; i < peers.length; i++)
    for (let j = i + 1; j < peers.length; j++) await connect(peers[i]!, peers[j]!);
  const committee = oracleKeys.map((k) => k.publicKey.raw);
  // The last oracle withholds: it is a member but runs no rounds.
  rounds = oracles.slice(0, ORACLES - 1).map(
    (peer, i) =>
      new LivenessRounds(peer, {
        networkId,
        committee,
        privateKey: oracleKeys[i]!,
        intervalMs: INTERVAL_MS,
        heartbeats: peer.services.heartbeat,
      }),
  );
  rounds.forEach((r, i) => {
    certified[i] = [];
    r.addEventListener('certified', (e) => certified[i]!.push(e.detail));
    invalid[i] = [];
    r.addEventListener('invalid', (e) => invalid[i]!.push(e.detail.code));
  });
  await Promise.all(rounds.map((r) => r.start()));
});

after(async () => {
  await Promise.allSettled(rounds.map((r) => r.stop()));
  await stopAll(peers);
});

test('the honest oracles certify one table listing every node, despite a withholding member', async () => {
  const full = (c: CertifiedRound) =>
    c.table !== undefined && c.table.tasks.reduce((n, t) => n + t.nodes.length, 0) === NODES;
  await waitFor(
    () => certified.every((list) => list.some(full)),
    CERTIFIED_DEADLINE_MS,
    'a full certified table',
  );
  // The first round every honest oracle certified with every node in it: one root for all.
  const roundOf = (list: CertifiedRound[]) => list.find(full)!.round;
  // The latest of the oracles' first full rounds (bigints: no Math.max).
  let round = roundOf(certified[0]!);
  for (const list of certified) if (roundOf(list) > round) round = roundOf(list);
  await waitFor(
    () => certified.every((list) => list.some((c) => c.round === round)),
    CERTIFIED_DEADLINE_MS,
    `round ${round} certified everywhere`,
  );
  const roots = certified.map((list) =>
    Buffer.from(list.find((c) => c.round === round)!.certificate.tableRoot).toString('hex'),
  );
  assert.equal(new Set(roots).size, 1, 'honest oracles certified different tables');
  const cert = certified[0]!.find((c) => c.round === round)!.certificate;
  assert.equal(cert.votes.length, 3, 'three honest votes, none from the withholding member');
  const table = certified[0]!.find((c) => c.round === round)!.table!;
  assert.deepEqual(
    table.tasks.map((t) => [t.taskKey, t.nodes.length]),
    [
      ['m/task-00', 3],
      ['m/task-01', 2],
    ],
  );
});

test("a stranger's vote is refused by every honest oracle and counts nowhere", async () => {
  const stranger = peers[ORACLES]!; // a worker-like node, not a member
  const seed = new Uint8Array(createHash('sha256').update('stranger').digest());
  const round = BigInt(Math.floor(Date.now() / INTERVAL_MS));
  const forged = signVote({ networkId, round, tableRoot: new Uint8Array(32), taskCount: 0 }, seed);
  await stranger.services.pubsub.publish(VOTE_TOPIC, forged.bytes);
  await waitFor(
    () => invalid.every((codes) => codes.includes('VOTE_UNAUTHORIZED')),
    CERTIFIED_DEADLINE_MS,
    'every honest oracle refusing the stranger',
  );
  await new Promise((r) => setTimeout(r, INTERVAL_MS));
  const strangerKey = Buffer.from(forged.oracleKey).toString('hex');
  for (const list of certified)
    for (const c of list)
      assert.ok(c.certificate.votes.every((v) => Buffer.from(v.oracleKey).toString('hex') !== strangerKey));
});
