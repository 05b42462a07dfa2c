import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import * as ed from '@noble/ed25519';
import { ObservationErrorCode } from '../../../../protocols/committee/round/errors.js';
import { inclusionThreshold, LivenessRound } from '../../../../protocols/committee/round/liveness-round.js';
import {
  decodeObservation,
  OBSERVATION_ENTRY_BYTES,
  signObservation,
} from '../../../../protocols/committee/round/observation.js';
import { createNativeVerifier } from '../../../../protocols/heartbeat/signer.js';
import { isCodedError } from '../../../../storage/errors/index.js';

const verifier = createNativeVerifier();
const bytes32 = (label: string) => new Uint8Array(createHash('sha256').update(label).digest());
const networkId = bytes32('network');
const seeds = [0, 1, 2, 3].map((i) => bytes32(`oracle ${i}`));
const committee = seeds.map((s) => ed.getPublicKey(s));
const entries = [3, 1, 2].map((i) => ({
  nodeKey: bytes32(`node ${i}`),
  sequence: BigInt(i),
  digest: bytes32(`hb ${i}`),
}));
const refused = (code: string) => (err: unknown) => isCodedError(err, code);
const observation = (seed: Uint8Array, list = entries, round = 5n) =>
  signObservation({ networkId, round, entries: list }, seed).bytes;

test('inclusion needs f + 1 oracles', () => {
  assert.deepEqual([1, 3, 4, 7, 10, 21].map(inclusionThreshold), [1, 1, 2, 3, 4, 7]);
});

test('an observation round-trips sorted by node key, and any change breaks its signature', () => {
  const bytes = observation(seeds[0]!);
  const decoded = decodeObservation(bytes, verifier);
  assert.deepEqual(decoded.oracleKey, committee[0]);
  assert.equal(decoded.round, 5n);
  const sorted = [...entries].sort((a, b) => Buffer.compare(Buffer.from(a.nodeKey), Buffer.from(b.nodeKey)));
  assert.deepEqual(
    decoded.entries.map((e) => e.sequence),
    sorted.map((e) => e.sequence),
  );
  const tampered = bytes.slice();
  tampered[90]! ^= 1;
  assert.throws(() => decodeObservation(tampered, verifier), refused(ObservationErrorCode.INVALID_SIGNATURE));
});

test('garbage, bad counts, unsorted or repeated entries are malformed', () => {
  const bytes = observation(seeds[0]!);
  assert.throws(
    () => decodeObservation(bytes.subarray(0, 20), verifier),
    refused(ObservationErrorCode.MALFORMED),
  );
  assert.throws(
    () => decodeObservation(bytes.subarray(0, bytes.length - 1), verifier),
    refused(ObservationErrorCode.MALFORMED),
  );
  const count = bytes.slice();
  count[73] = 9;
  assert.throws(() => decodeObservation(count, verifier), refused(ObservationErrorCode.MALFORMED));
  // Swap the first two entries: the order check fails before the signature is looked at.
  const swapped = bytes.slice();
  const a = swapped.slice(77, 77 + OBSERVATION_ENTRY_BYTES);
  swapped.copyWithin(77, 77 + OBSERVATION_ENTRY_BYTES, 77 + 2 * OBSERVATION_ENTRY_BYTES);
  swapped.set(a, 77 + OBSERVATION_ENTRY_BYTES);
  assert.throws(() => decodeObservation(swapped, verifier), refused(ObservationErrorCode.MALFORMED));
  assert.throws(
    () => observation(seeds[0]!, [entries[0]!, entries[0]!]),
    refused(ObservationErrorCode.MALFORMED),
  );
});

test('a round refuses strangers, repeats, other rounds, and stops counting an equivocating oracle', () => {
  const round = new LivenessRound({ networkId, round: 5n, committee, verifier, seed: seeds[0]! });
  assert.throws(
    () => round.addObservation(observation(bytes32('stranger'))),
    refused(ObservationErrorCode.UNAUTHORIZED),
  );
  assert.throws(
    () => round.addObservation(observation(seeds[1]!, entries, 6n)),
    refused(ObservationErrorCode.INVALID_ROUND),
  );
  round.addObservation(observation(seeds[1]!));
  assert.throws(() => round.addObservation(observation(seeds[1]!)), refused(ObservationErrorCode.DUPLICATE));
  round.addObservation(observation(seeds[2]!));
  // Two oracles named the three entries: f + 1 = 2, so all three count.
  assert.equal(round.wanted(new Map()).length, 3);
  assert.throws(
    () => round.addObservation(observation(seeds[2]!, entries.slice(1))),
    refused(ObservationErrorCode.EQUIVOCATION),
  );
  // Oracle 2's word is gone: one witness each, nothing counts.
  assert.equal(round.wanted(new Map()).length, 0);
  assert.throws(
    () => round.addObservation(observation(seeds[2]!)),
    refused(ObservationErrorCode.EQUIVOCATION),
  );
});
