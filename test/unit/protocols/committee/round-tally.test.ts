import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import * as ed from '@noble/ed25519';
import { VoteErrorCode } from '../../../../protocols/committee/round/errors.js';
import {
  certificateThreshold,
  RoundTally,
  verifyCertificate,
} from '../../../../protocols/committee/round/tally.js';
import { decodeVote, signVote, VOTE_BYTES } from '../../../../protocols/committee/round/vote.js';
import { createNativeVerifier } from '../../../../protocols/heartbeat/signer.js';
import { isCodedError } from '../../../../storage/errors/index.js';

const verifier = createNativeVerifier();
const bytes32 = (label: string) => new Uint8Array(createHash('sha256').update(label).digest());
const seeds = Array.from({ length: 4 }, (_, i) => bytes32(`oracle ${i}`));
const committee = seeds.map((s) => ed.getPublicKey(s));
const networkId = bytes32('network');
const rootA = bytes32('table A');
const rootB = bytes32('table B');
const refused = (code: string) => (err: unknown) => isCodedError(err, code);

const vote = (oracle: number, tableRoot: Uint8Array, round = 7n, taskCount = 3) =>
  signVote({ networkId, round, tableRoot, taskCount }, seeds[oracle]!).bytes;
const tally = () => new RoundTally({ networkId, round: 7n, committee, verifier });

test('thresholds are ⌈2n/3⌉', () => {
  assert.deepEqual([1, 2, 3, 4, 5, 6, 7, 21].map(certificateThreshold), [1, 2, 2, 3, 4, 4, 5, 14]);
});

test('a vote round-trips through its canonical bytes', () => {
  const bytes = vote(2, rootA);
  assert.equal(bytes.length, VOTE_BYTES);
  const decoded = decodeVote(bytes, verifier);
  assert.deepEqual(decoded.oracleKey, committee[2]);
  assert.deepEqual(decoded.tableRoot, rootA);
  assert.equal(decoded.round, 7n);
  assert.equal(decoded.taskCount, 3);
});

test('one equivocating oracle of 4: its votes do not count, the 3 honest votes certify', () => {
  const t = tally();
  t.add(vote(3, rootA));
  assert.throws(() => t.add(vote(3, rootB)), refused(VoteErrorCode.EQUIVOCATION));
  t.add(vote(0, rootA));
  t.add(vote(1, rootA));
  assert.equal(
    t.certificate(),
    undefined,
    'two honest votes are not enough once the third oracle equivocated',
  );
  t.add(vote(2, rootA));
  const cert = t.certificate();
  assert.ok(cert);
  assert.deepEqual(cert.tableRoot, rootA);
  assert.deepEqual(
    cert.votes.map((v) => v.oracleKey),
    committee.slice(0, 3),
  );
  assert.equal(t.equivocations.length, 1);
  assert.deepEqual(t.equivocations[0]!.oracleKey, committee[3]);
  assert.throws(() => t.add(vote(3, rootA)), refused(VoteErrorCode.EQUIVOCATION));
});

test('two Byzantine oracles of 4 never certify their own table', () => {
  const t = tally();
  t.add(vote(0, rootA));
  t.add(vote(1, rootA));
  t.add(vote(2, rootB));
  t.add(vote(3, rootB));
  assert.equal(t.certificate(), undefined);
  // Voting for both tables only removes their votes.
  assert.throws(() => t.add(vote(2, rootA)), refused(VoteErrorCode.EQUIVOCATION));
  assert.throws(() => t.add(vote(3, rootA)), refused(VoteErrorCode.EQUIVOCATION));
  assert.equal(t.certificate(), undefined);
});

test('strangers, repeats, other rounds, forged signatures and garbage are refused with their codes', () => {
  const t = tally();
  const stranger = signVote(
    { networkId, round: 7n, tableRoot: rootA, taskCount: 3 },
    bytes32('stranger'),
  ).bytes;
  assert.throws(() => t.add(stranger), refused(VoteErrorCode.UNAUTHORIZED));
  t.add(vote(0, rootA));
  assert.throws(() => t.add(vote(0, rootA)), refused(VoteErrorCode.DUPLICATE));
  assert.throws(() => t.add(vote(1, rootA, 8n)), refused(VoteErrorCode.INVALID_ROUND));
  const otherNetwork = signVote(
    { networkId: bytes32('x'), round: 7n, tableRoot: rootA, taskCount: 3 },
    seeds[1]!,
  );
  assert.throws(() => t.add(otherNetwork.bytes), refused(VoteErrorCode.INVALID_ROUND));
  const forged = vote(1, rootA);
  forged[50]! ^= 1; // the root changed after signing
  assert.throws(() => t.add(forged), refused(VoteErrorCode.INVALID_SIGNATURE));
  assert.throws(() => t.add(vote(1, rootA).subarray(1)), refused(VoteErrorCode.MALFORMED));
  const version = vote(1, rootA);
  version[0] = 2;
  assert.throws(() => t.add(version), refused(VoteErrorCode.MALFORMED));
  assert.throws(
    () => signVote({ networkId, round: 1n << 64n, tableRoot: rootA, taskCount: 3 }, seeds[0]!),
    refused(VoteErrorCode.MALFORMED),
  );
  // None of it counted: one vote, no certificate.
  assert.equal(t.certificate(), undefined);
});

test('a certificate verifies against its committee, and only with a quorum for the table it names', () => {
  const votes = [vote(0, rootA), vote(1, rootA), vote(2, rootA)];
  const cert = { networkId, round: 7n, tableRoot: rootA, taskCount: 3, votes };
  assert.deepEqual(verifyCertificate(cert, committee, verifier).tableRoot, rootA);
  assert.throws(
    () => verifyCertificate({ ...cert, votes: votes.slice(0, 2) }, committee, verifier),
    refused(VoteErrorCode.INSUFFICIENT_QUORUM),
  );
  assert.throws(
    () => verifyCertificate({ ...cert, tableRoot: rootB }, committee, verifier),
    refused(VoteErrorCode.INSUFFICIENT_QUORUM),
  );
  assert.throws(
    () => verifyCertificate({ ...cert, taskCount: 4 }, committee, verifier),
    refused(VoteErrorCode.INSUFFICIENT_QUORUM),
  );
  const otherCommittee = [bytes32('a'), bytes32('b'), bytes32('c')].map((s) => ed.getPublicKey(s));
  assert.throws(() => verifyCertificate(cert, otherCommittee, verifier), refused(VoteErrorCode.UNAUTHORIZED));
});
