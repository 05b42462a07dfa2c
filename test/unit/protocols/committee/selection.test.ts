import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { buildLivenessTable, proveMembership } from '../../../../protocols/committee/liveness/table.js';
import { SelectionErrorCode } from '../../../../protocols/committee/selection/errors.js';
import {
  checkPick,
  isSampled,
  pickVerifier,
  pickWorker,
  type SelectionSeed,
  verifierIndex,
  workerIndex,
} from '../../../../protocols/committee/selection/select.js';
import { isCodedError } from '../../../../storage/errors/index.js';
import { shuffled, signedHeartbeat } from './support.js';

const TASK = 'm/task-00';
// Fixed node keys and seeds: the statistical checks below see the same draws on every run.
const heartbeats = Array.from({ length: 5 }, (_, i) =>
  signedHeartbeat(bytes32('node', i), { tasks: [TASK, 'm/task-01'] }),
);
const table = buildLivenessTable(heartbeats);
const certified = { root: table.root, taskCount: table.tasks.length };

function bytes32(label: string, i: number): Uint8Array {
  return new Uint8Array(createHash('sha256').update(`${label}/${i}`).digest());
}

function seedOf(i: number, attempt = 0): SelectionSeed {
  return {
    randomness: bytes32('randomness', i),
    tableRoot: table.root,
    executionId: bytes32('execution', i),
    taskKey: TASK,
    attempt,
  };
}

test('every oracle, holding the heartbeats in any order, picks the same worker and verifier', () => {
  const again = buildLivenessTable(shuffled(heartbeats));
  for (let i = 0; i < 50; i++) {
    const seed = seedOf(i);
    const w = pickWorker(table, seed);
    assert.deepEqual(pickWorker(again, seed).nodeKey, w.nodeKey);
    const v = pickVerifier(table, seed, w.proof.nodeIndex);
    assert.deepEqual(pickVerifier(again, seed, w.proof.nodeIndex).nodeKey, v.nodeKey);
    assert.notDeepEqual(v.nodeKey, w.nodeKey);
  }
});

test('picks spread evenly over the nodes, and a reassignment draws afresh', () => {
  const counts = [0, 0, 0, 0, 0];
  let moved = 0;
  const draws = 20_000;
  for (let i = 0; i < draws; i++) {
    const w = workerIndex(seedOf(i), 5);
    counts[w]!++;
    if (workerIndex(seedOf(i, 1), 5) !== w) moved++;
  }
  // Each node expects 4,000 (sd about 57): 3.5 sd either side.
  for (const c of counts) assert.ok(Math.abs(c - draws / 5) < 200, `counts ${counts}`);
  // A second attempt lands elsewhere 4 times in 5.
  assert.ok(Math.abs(moved / draws - 0.8) < 0.02, `moved ${moved}`);
});

test('the verifier is never the worker and covers every other node', () => {
  for (let worker = 0; worker < 5; worker++) {
    const seen = new Set<number>();
    for (let i = 0; i < 400; i++) {
      const v = verifierIndex(seedOf(i), 5, worker);
      assert.notEqual(v, worker);
      seen.add(v);
    }
    assert.equal(seen.size, 4);
  }
});

test('the program-side check accepts the selected node and refuses every other one', () => {
  for (let i = 0; i < 20; i++) {
    const seed = seedOf(i);
    const w = pickWorker(table, seed);
    assert.ok(checkPick(certified, seed, w.proof, { kind: 'worker' }));
    for (let other = 0; other < 5; other++) {
      if (other === w.proof.nodeIndex) continue;
      const proof = proveMembership(table, TASK, other);
      assert.ok(
        !checkPick(certified, seed, proof, { kind: 'worker' }),
        `node ${other} passed as ${w.proof.nodeIndex}`,
      );
    }
    const v = pickVerifier(table, seed, w.proof.nodeIndex);
    const role = { kind: 'verifier' as const, workerIndex: w.proof.nodeIndex };
    assert.ok(checkPick(certified, seed, v.proof, role));
    // The worker cannot be named its own verifier, nor the pick be made from another table.
    assert.ok(!checkPick(certified, seed, w.proof, role));
    assert.ok(!checkPick(certified, { ...seed, tableRoot: new Uint8Array(32) }, w.proof, { kind: 'worker' }));
  }
});

test('sampling hits p within half a point over 100,000 draws, and depends on the commitment', () => {
  const p = 1_200;
  let sampled = 0;
  let flipped = 0;
  const draws = 100_000;
  for (let i = 0; i < draws; i++) {
    const commitment = bytes32('commitment', i);
    const hit = isSampled(seedOf(i), commitment, p);
    if (hit) sampled++;
    if (isSampled(seedOf(i), bytes32('other commitment', i), p) !== hit) flipped++;
  }
  assert.ok(Math.abs(sampled / draws - 0.12) < 0.005, `rate ${sampled / draws}`);
  // Two independent draws at p disagree with probability 2p(1-p) = 21 %.
  assert.ok(Math.abs(flipped / draws - 0.2112) < 0.01, `flipped ${flipped / draws}`);
  assert.equal(isSampled(seedOf(1), bytes32('c', 1), 0), false);
  assert.equal(isSampled(seedOf(1), bytes32('c', 1), 10_000), true);
});

test('bad seeds and empty tasks are refused with their codes', () => {
  const refused = (code: string) => (err: unknown) => isCodedError(err, code);
  assert.throws(
    () => workerIndex({ ...seedOf(0), randomness: new Uint8Array(31) }, 5),
    refused(SelectionErrorCode.INVALID_SEED),
  );
  assert.throws(
    () => workerIndex({ ...seedOf(0), attempt: 256 }, 5),
    refused(SelectionErrorCode.INVALID_SEED),
  );
  assert.throws(() => workerIndex(seedOf(0), 0), refused(SelectionErrorCode.NO_ELIGIBLE_NODE));
  assert.throws(() => verifierIndex(seedOf(0), 1, 0), refused(SelectionErrorCode.NO_ELIGIBLE_NODE));
  assert.throws(
    () => isSampled(seedOf(0), new Uint8Array(32), 10_001),
    refused(SelectionErrorCode.INVALID_SEED),
  );
});
