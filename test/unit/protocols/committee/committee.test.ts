// Oracles announce DHT provider records under the network's committee key; a client that knows
// only one worker finds them all through the DHT (real kad-dht over in-process peers).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { SplitUpPeer } from '../../../../node/peer/create-peer.js';
import {
  type Committee,
  committee,
  committeeKey,
  isCommitteeError,
} from '../../../../protocols/committee/index.js';
import { connect, createMemoryPeer, stopAll, waitFor } from '../../../sim/memory-network.js';

const DEADLINE_MS = 60_000;
const FAST = { announceIntervalMs: 1_000, announceRetryMs: 200, refreshIntervalMs: 300 };

type CPeer = SplitUpPeer<{ committee: Committee }>;
let oracles: CPeer[] = [];
let worker: CPeer;
let client: CPeer;

before(async () => {
  oracles = await Promise.all(
    [0, 1].map(() =>
      createMemoryPeer({
        services: { committee: committee({ network: 'testnet-a', announce: true, ...FAST }) },
      }),
    ),
  );
  worker = await createMemoryPeer({ services: { committee: committee({ network: 'testnet-a', ...FAST }) } });
  await connect(oracles[1]!, oracles[0]!);
  await connect(worker, oracles[0]!);
  await connect(worker, oracles[1]!);
});

after(async () => {
  await stopAll([...oracles, worker, client].filter(Boolean));
});

test('the committee key is a deterministic CID per network name', async () => {
  assert.equal((await committeeKey('testnet-a')).toString(), (await committeeKey('testnet-a')).toString());
  assert.notEqual((await committeeKey('testnet-a')).toString(), (await committeeKey('testnet-b')).toString());
  await assert.rejects(committeeKey('Bad Name!'), (e) => isCommitteeError(e, 'COMMITTEE_BAD_NETWORK_NAME'));
});

test('a worker lists both announcing oracles', async () => {
  const want = oracles.map((o) => o.peerId.toString()).sort();
  await waitFor(
    () =>
      JSON.stringify(worker.services.committee.members.map((m) => m.peerId).sort()) === JSON.stringify(want),
    DEADLINE_MS,
    'the worker to list both oracles',
  );
});

test('a client connected only to the worker finds the committee through the DHT', async () => {
  client = await createMemoryPeer({
    services: { committee: committee({ network: 'testnet-a', refresh: false }) },
  });
  await connect(client, worker);
  const want = oracles.map((o) => o.peerId.toString()).sort();
  let members: string[] = [];
  const deadline = Date.now() + DEADLINE_MS;
  while (JSON.stringify(members) !== JSON.stringify(want) && Date.now() < deadline) {
    members = (await client.services.committee.refresh()).map((m) => m.peerId).sort();
    if (JSON.stringify(members) !== JSON.stringify(want)) await new Promise((r) => setTimeout(r, 300));
  }
  assert.deepEqual(members, want);
  const oracle = client.services.committee.members.find((m) => m.peerId === want[0]);
  assert.ok((oracle?.multiaddrs.length ?? 0) > 0, 'provider records carry the oracle’s addresses');
});

test('a peer of another network does not see this committee', async () => {
  const other = await createMemoryPeer({
    services: { committee: committee({ network: 'testnet-b', refresh: false }) },
  });
  try {
    await connect(other, worker);
    assert.deepEqual(await other.services.committee.refresh(), []);
  } finally {
    await other.stop();
  }
});

test('an announce with no DHT peer fails with COMMITTEE_ANNOUNCE_UNREACHED', async () => {
  const lonely = await createMemoryPeer({
    services: { committee: committee({ network: 'testnet-c', refresh: false, announceTimeoutMs: 500 }) },
  });
  try {
    await assert.rejects(lonely.services.committee.announce(), (e) =>
      isCommitteeError(e, 'COMMITTEE_ANNOUNCE_UNREACHED'),
    );
  } finally {
    await lonely.stop();
  }
});
