// The publish cadence: a heartbeat every interval from the start of the previous one, however
// long publishing takes (a loaded peer must not look as if it missed intervals). Fake timers and
// clock; a stand-in pubsub whose publish resolves only when the test says so.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { generateKeyPair } from '@libp2p/crypto/keys';
import { peerIdFromPrivateKey } from '@libp2p/peer-id';
import { HeartbeatService } from '../../../../protocols/heartbeat/heartbeat-service.js';
import type { HeartbeatPubSub } from '../../../../protocols/heartbeat/index.js';

const INTERVAL_MS = 1_000;
const PUBLISH_TAKES_MS = 600;

test('a slow publish does not push the next heartbeat back', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  let clock = 1_700_000_000_000;
  const startedAt: number[] = [];
  const finishPublish: Array<() => void> = [];
  const pubsub = {
    topicValidators: new Map(),
    subscribe: () => {},
    unsubscribe: () => {},
    publish: async () => {
      startedAt.push(clock);
      await new Promise<void>((resolve) => finishPublish.push(resolve));
    },
  } as unknown as HeartbeatPubSub;
  const privateKey = await generateKeyPair('Ed25519');
  const service = new HeartbeatService(
    { peerId: peerIdFromPrivateKey(privateKey), privateKey, pubsub },
    { intervalMs: INTERVAL_MS, trackLiveness: false, now: () => clock },
  );
  const advance = async (ms: number) => {
    clock += ms;
    t.mock.timers.tick(ms);
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r)); // let promise chains run
  };
  service.afterStart();
  await advance(0);
  for (let beat = 1; beat <= 3; beat++) {
    assert.equal(startedAt.length, beat);
    await advance(PUBLISH_TAKES_MS);
    finishPublish.shift()!();
    await advance(0); // the publish settles; the next beat is scheduled now
    await advance(INTERVAL_MS - PUBLISH_TAKES_MS);
  }
  service.stop();
  assert.deepEqual(
    startedAt.slice(1).map((at, i) => at - startedAt[i]!),
    [INTERVAL_MS, INTERVAL_MS, INTERVAL_MS],
  );
});
