// Real in-process peers (memory transport, full libp2p stack): heartbeats flow, and forged,
// replayed and oversized messages are rejected with typed errors while the peer stays up.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { generateKeyPair } from '@libp2p/crypto/keys';
import type { Ed25519PrivateKey } from '@libp2p/interface';
import type { SplitUpPeer } from '../../../../node/peer/create-peer.js';
import {
  HEARTBEAT_TOPIC,
  type Heartbeat,
  type HeartbeatPayload,
  heartbeat,
  type InvalidHeartbeat,
  MAX_HEARTBEAT_BYTES,
  signHeartbeat,
} from '../../../../protocols/heartbeat/index.js';
import { connect, createMemoryPeer, stopAll, waitFor } from '../../../sim/memory-network.js';

const INTERVAL_MS = 200;
const DEADLINE_MS = 20_000;

type HbPeer = SplitUpPeer<{ heartbeat: Heartbeat }>;
let honest: HbPeer[] = [];
let attacker: SplitUpPeer;
let attackerKey: Ed25519PrivateKey;
const invalid: InvalidHeartbeat[][] = [];

before(async () => {
  honest = await Promise.all(
    [0, 1].map(() => createMemoryPeer({ services: { heartbeat: heartbeat({ intervalMs: INTERVAL_MS }) } })),
  );
  attackerKey = (await generateKeyPair('Ed25519')) as Ed25519PrivateKey;
  attacker = await createMemoryPeer({ privateKey: attackerKey });
  attacker.services.pubsub.subscribe(HEARTBEAT_TOPIC);
  honest.forEach((p, i) => {
    invalid[i] = [];
    p.services.heartbeat.addEventListener('invalid', (e) => invalid[i]?.push(e.detail));
  });
  await connect(honest[0]!, honest[1]!);
  await connect(attacker, honest[0]!);
  await connect(attacker, honest[1]!);
  // The attacker's messages reach the victims only once they are in each other's topic view.
  await waitFor(
    () =>
      honest.every((p) =>
        p.services.pubsub.getSubscribers(HEARTBEAT_TOPIC).some((s) => s.equals(attacker.peerId)),
      ),
    DEADLINE_MS,
    'honest peers to see the attacker subscribed',
  );
});

after(async () => {
  await stopAll([...honest, attacker]);
});

function attackerPayload(over: Partial<HeartbeatPayload> = {}): HeartbeatPayload {
  return {
    nodeKey: attackerKey.publicKey.raw,
    sequence: 100n,
    timestampMs: BigInt(Date.now()),
    status: 'ready',
    freeVramBytes: 0n,
    tasks: [],
    ...over,
  };
}

const seedOf = (key: Ed25519PrivateKey) => key.raw.subarray(0, 32);

async function expectInvalid(code: string): Promise<void> {
  await waitFor(
    () => invalid.every((list) => list.some((i) => i.error.code === code)),
    DEADLINE_MS,
    `both honest peers to report ${code}`,
  );
}

test('honest peers see each other online through signed heartbeats', async () => {
  const [a, b] = honest as [HbPeer, HbPeer];
  await waitFor(
    () =>
      a.services.heartbeat.liveness.get(b.peerId.toString())?.status === 'online' &&
      b.services.heartbeat.liveness.get(a.peerId.toString())?.status === 'online',
    DEADLINE_MS,
    'mutual online status',
  );
  const seen = a.services.heartbeat.liveness.get(b.peerId.toString());
  assert.deepEqual(
    Uint8Array.from(seen?.lastHeartbeat.nodeKey ?? []),
    Uint8Array.from(b.peerId.publicKey?.raw ?? []),
  );
});

test('a forged heartbeat (someone else’s key) is rejected as HEARTBEAT_KEY_MISMATCH', async () => {
  const victim = honest[1]!;
  const stolenKey = victim.peerId.publicKey!.raw;
  // Signed by the attacker, claims to be the victim: the gossip envelope gives the attacker away.
  const forged = signHeartbeat(attackerPayload({ nodeKey: stolenKey }), seedOf(attackerKey));
  await attacker.services.pubsub.publish(HEARTBEAT_TOPIC, forged);
  await expectInvalid('HEARTBEAT_KEY_MISMATCH');
  const report = invalid[0]!.find((i) => i.error.code === 'HEARTBEAT_KEY_MISMATCH')!;
  assert.equal(report.result, 'reject');
  assert.ok(report.from?.equals(attacker.peerId));
});

test('a heartbeat with a bad signature is rejected as HEARTBEAT_BAD_SIGNATURE', async () => {
  const wire = signHeartbeat(attackerPayload({ sequence: 200n }), seedOf(attackerKey));
  wire[wire.length - 1] = (wire[wire.length - 1] ?? 0) ^ 0xff;
  await attacker.services.pubsub.publish(HEARTBEAT_TOPIC, wire);
  await expectInvalid('HEARTBEAT_BAD_SIGNATURE');
});

test('a replayed heartbeat is ignored as HEARTBEAT_REPLAY after the original was accepted', async () => {
  const accepted: bigint[] = [];
  honest[0]!.services.heartbeat.addEventListener('heartbeat', (e) => {
    if (e.detail.from.equals(attacker.peerId)) accepted.push(e.detail.heartbeat.sequence);
  });
  const wire = signHeartbeat(attackerPayload({ sequence: 300n }), seedOf(attackerKey));
  await attacker.services.pubsub.publish(HEARTBEAT_TOPIC, wire);
  await waitFor(() => accepted.includes(300n), DEADLINE_MS, 'the original heartbeat to be accepted');
  await attacker.services.pubsub.publish(HEARTBEAT_TOPIC, wire);
  await expectInvalid('HEARTBEAT_REPLAY');
  assert.equal(invalid[0]!.find((i) => i.error.code === 'HEARTBEAT_REPLAY')?.result, 'ignore');
  assert.deepEqual(accepted, [300n]);
});

test('an oversized message is rejected as HEARTBEAT_OVERSIZED', async () => {
  await attacker.services.pubsub.publish(HEARTBEAT_TOPIC, new Uint8Array(MAX_HEARTBEAT_BYTES * 4).fill(1));
  await expectInvalid('HEARTBEAT_OVERSIZED');
});

test('after all the bad input the honest peers are up and still exchanging heartbeats', async () => {
  const [a, b] = honest as [HbPeer, HbPeer];
  assert.equal(a.status, 'started');
  assert.equal(b.status, 'started');
  const before = a.services.heartbeat.liveness.get(b.peerId.toString())?.lastHeartbeat.sequence ?? 0n;
  await waitFor(
    () =>
      (a.services.heartbeat.liveness.get(b.peerId.toString())?.lastHeartbeat.sequence ?? 0n) > before + 1n,
    DEADLINE_MS,
    'fresh heartbeats after the attack',
  );
});

test('a stopped peer is marked offline by the other', async () => {
  const [a, b] = honest as [HbPeer, HbPeer];
  const changes: string[] = [];
  a.services.heartbeat.liveness.addEventListener('status-change', (e) => {
    if (e.detail.peerId === b.peerId.toString()) changes.push(e.detail.status);
  });
  await b.stop();
  await waitFor(
    () => a.services.heartbeat.liveness.get(b.peerId.toString())?.status === 'offline',
    DEADLINE_MS,
    'offline',
  );
  assert.deepEqual(changes, ['suspect', 'offline']);
});
