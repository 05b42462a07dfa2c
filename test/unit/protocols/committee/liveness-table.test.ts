import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { LivenessTableErrorCode } from '../../../../protocols/committee/liveness/errors.js';
import {
  buildLivenessTable,
  MAX_TABLE_NODES,
  proveMembership,
  verifyMembership,
} from '../../../../protocols/committee/liveness/table.js';
import type { SignedHeartbeat } from '../../../../protocols/heartbeat/codec.js';
import { isCodedError } from '../../../../storage/errors/index.js';
import { nodeSeeds, shuffled, signedHeartbeat } from './support.js';

const toHex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const seeds = nodeSeeds(6);
const heartbeats = [
  signedHeartbeat(seeds[0]!, { tasks: ['m/task-00', 'm/task-01'] }),
  signedHeartbeat(seeds[1]!, { tasks: ['m/task-01'] }),
  signedHeartbeat(seeds[2]!, { tasks: ['m/task-00'], sequence: 1n }),
  signedHeartbeat(seeds[2]!, { tasks: ['m/task-02'], sequence: 2n }),
  signedHeartbeat(seeds[3]!, { tasks: ['m/task-00'], status: 'draining' }),
  signedHeartbeat(seeds[4]!, { tasks: ['m/task-02'], status: 'busy' }),
  signedHeartbeat(seeds[5]!, { tasks: [] }),
];

test('the same heartbeats in any order give the same table and root', () => {
  const first = buildLivenessTable(heartbeats);
  for (let i = 0; i < 5; i++)
    assert.equal(toHex(buildLivenessTable(shuffled(heartbeats)).root), toHex(first.root));
  const listed = Object.fromEntries(first.tasks.map((t) => [t.taskKey, t.nodes.map(toHex).sort()]));
  const key = (heartbeat: number) => toHex(heartbeats[heartbeat]!.nodeKey);
  // Node 2's newer heartbeat wins (task-02, not task-00); the draining node 3 is left out.
  assert.deepEqual(listed, {
    'm/task-00': [key(0)],
    'm/task-01': [key(0), key(1)].sort(),
    'm/task-02': [key(2), key(5)].sort(),
  });
  assert.deepEqual(
    first.tasks.map((t) => t.taskKey),
    ['m/task-00', 'm/task-01', 'm/task-02'],
  );
});

test('one more, one fewer or one changed heartbeat changes the root', () => {
  const root = toHex(buildLivenessTable(heartbeats).root);
  const extra = signedHeartbeat(randomBytes(32), { tasks: ['m/task-01'] });
  assert.notEqual(toHex(buildLivenessTable([...heartbeats, extra]).root), root);
  assert.notEqual(toHex(buildLivenessTable(heartbeats.slice(1)).root), root);
  const newer = signedHeartbeat(seeds[1]!, { tasks: ['m/task-01'], sequence: 9n });
  assert.notEqual(toHex(buildLivenessTable([...heartbeats, newer]).root), root);
});

test('every listed node proves membership of its task; a proof against another table fails', () => {
  const table = buildLivenessTable(heartbeats);
  const other = buildLivenessTable(heartbeats.slice(1));
  for (const task of table.tasks) {
    for (let i = 0; i < task.nodes.length; i++) {
      const proof = proveMembership(table, task.taskKey, i);
      assert.deepEqual(proof.nodeLeaf.slice(0, 32), task.nodes[i]);
      assert.ok(verifyMembership(table.root, table.tasks.length, proof));
      assert.ok(!verifyMembership(other.root, other.tasks.length, proof));
      // A node count that is not the certified one breaks the task leaf.
      assert.ok(
        !verifyMembership(table.root, table.tasks.length, { ...proof, nodeCount: proof.nodeCount + 1 }),
      );
      assert.ok(!verifyMembership(table.root, table.tasks.length + 1, proof));
      // Another task's name on the same path breaks it too.
      assert.ok(!verifyMembership(table.root, table.tasks.length, { ...proof, taskKey: `${task.taskKey}x` }));
    }
  }
});

test('a task nobody serves, an index past the list and an oversized table are refused', () => {
  const table = buildLivenessTable(heartbeats);
  const refused = (code: string) => (err: unknown) => isCodedError(err, code);
  assert.throws(() => proveMembership(table, 'm/task-09', 0), refused(LivenessTableErrorCode.NOT_FOUND));
  assert.throws(() => proveMembership(table, 'm/task-00', 1), refused(LivenessTableErrorCode.NOT_FOUND));
  // The builder trusts signatures checked on receipt, so unsigned stand-ins are enough to size it.
  const template = heartbeats[0]!;
  const many: SignedHeartbeat[] = Array.from({ length: MAX_TABLE_NODES + 1 }, () => ({
    ...template,
    nodeKey: randomBytes(32),
  }));
  assert.throws(() => buildLivenessTable(many), refused(LivenessTableErrorCode.TOO_LARGE));
});
