import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  LivenessTracker,
  OFFLINE_AFTER_MISSED_INTERVALS,
  type SignedHeartbeat,
  type StatusChange,
  SUSPECT_AFTER_MISSED_INTERVALS,
} from '../../../../protocols/heartbeat/index.js';

const hb = {} as SignedHeartbeat;
const interval = 1_000;

function tracker() {
  let clock = 0;
  const t = new LivenessTracker({ intervalMs: interval, now: () => clock });
  const changes: StatusChange[] = [];
  t.addEventListener('status-change', (e) => changes.push(e.detail));
  return { t, changes, set: (ms: number) => (clock = ms) };
}

test('a node goes online, suspect, then offline after 3 missed intervals, emitting each change', () => {
  const { t, changes, set } = tracker();
  t.record('peer-a', hb);
  t.check(interval);
  assert.equal(t.get('peer-a')?.status, 'online');
  t.check(SUSPECT_AFTER_MISSED_INTERVALS * interval);
  assert.equal(t.get('peer-a')?.status, 'suspect');
  t.check(OFFLINE_AFTER_MISSED_INTERVALS * interval - 1);
  assert.equal(t.get('peer-a')?.status, 'suspect');
  t.check(OFFLINE_AFTER_MISSED_INTERVALS * interval);
  assert.equal(t.get('peer-a')?.status, 'offline');
  assert.deepEqual(
    changes.map((c) => [c.previous, c.status]),
    [
      [undefined, 'online'],
      ['online', 'suspect'],
      ['suspect', 'offline'],
    ],
  );
  set(10 * interval);
  t.record('peer-a', hb);
  assert.equal(t.get('peer-a')?.status, 'online');
  assert.deepEqual(changes.at(-1)?.previous, 'offline');
});

test('regular heartbeats keep a node online without extra events', () => {
  const { t, changes, set } = tracker();
  for (let i = 0; i < 10; i++) {
    set(i * interval);
    t.record('peer-b', hb);
    t.check(i * interval + interval);
  }
  assert.equal(changes.length, 1);
  assert.deepEqual(
    t.list('online').map((n) => n.peerId),
    ['peer-b'],
  );
});
