import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as ed from '@noble/ed25519';
import {
  createNativeVerifier,
  decodeSignedHeartbeat,
  type HeartbeatPayload,
  type HeartbeatValidationContext,
  isHeartbeatError,
  nobleVerifier,
  signHeartbeat,
  validateHeartbeat,
} from '../../../../protocols/heartbeat/index.js';

const seed = new Uint8Array(32).fill(1);
const nodeKey = ed.getPublicKey(seed);
const now = 1_800_000_000_000;
const payload: HeartbeatPayload = {
  nodeKey,
  sequence: 10n,
  timestampMs: BigInt(now),
  status: 'ready',
  freeVramBytes: 1024n,
  tasks: ['a'],
};

function ctx(over: Partial<HeartbeatValidationContext> = {}): HeartbeatValidationContext {
  return {
    senderKey: nodeKey,
    nowMs: now,
    maxClockSkewMs: 5_000,
    lastSequence: undefined,
    verifier: createNativeVerifier(),
    ...over,
  };
}

test('a correctly signed heartbeat validates with the native and the noble verifier', () => {
  const wire = signHeartbeat(payload, seed);
  assert.equal(validateHeartbeat(wire, ctx()).sequence, 10n);
  assert.equal(validateHeartbeat(wire, ctx({ verifier: nobleVerifier })).sequence, 10n);
});

test('a flipped bit anywhere in payload or signature is HEARTBEAT_BAD_SIGNATURE (reject)', () => {
  const wire = signHeartbeat(payload, seed);
  for (const index of [1 + 32 + 3, wire.length - 10]) {
    const forged = wire.slice();
    forged[index] = (forged[index] ?? 0) ^ 1;
    for (const verifier of [createNativeVerifier(), nobleVerifier]) {
      assert.throws(
        () => validateHeartbeat(forged, ctx({ verifier })),
        (e) => isHeartbeatError(e, 'HEARTBEAT_BAD_SIGNATURE') && e.action === 'reject',
      );
    }
  }
});

test('a heartbeat for a key other than the publishing peer is HEARTBEAT_KEY_MISMATCH (reject)', () => {
  const wire = signHeartbeat(payload, seed);
  assert.throws(
    () => validateHeartbeat(wire, ctx({ senderKey: new Uint8Array(32).fill(2) })),
    (e) => isHeartbeatError(e, 'HEARTBEAT_KEY_MISMATCH') && e.action === 'reject',
  );
  assert.throws(
    () => validateHeartbeat(wire, ctx({ senderKey: undefined })),
    (e) => isHeartbeatError(e, 'HEARTBEAT_UNSIGNED_ENVELOPE'),
  );
});

test('timestamps outside the skew window are HEARTBEAT_CLOCK_SKEW (ignore)', () => {
  const wire = signHeartbeat(payload, seed);
  for (const nowMs of [now + 5_001, now - 5_001]) {
    assert.throws(
      () => validateHeartbeat(wire, ctx({ nowMs })),
      (e) => isHeartbeatError(e, 'HEARTBEAT_CLOCK_SKEW') && e.action === 'ignore',
    );
  }
  assert.equal(validateHeartbeat(wire, ctx({ nowMs: now + 5_000 })).sequence, 10n);
});

test('a replayed or older sequence number is HEARTBEAT_REPLAY (ignore)', () => {
  const wire = signHeartbeat(payload, seed);
  for (const lastSequence of [10n, 11n]) {
    assert.throws(
      () => validateHeartbeat(wire, ctx({ lastSequence })),
      (e) => isHeartbeatError(e, 'HEARTBEAT_REPLAY') && e.action === 'ignore',
    );
  }
  assert.equal(validateHeartbeat(wire, ctx({ lastSequence: 9n })).sequence, 10n);
});

test('the signature covers a domain tag: a raw payload signature does not verify', () => {
  const wire = signHeartbeat(payload, seed);
  const { payloadBytes } = decodeSignedHeartbeat(wire);
  const rawSig = ed.sign(payloadBytes, seed);
  const undomained = new Uint8Array(wire.length);
  undomained.set(payloadBytes);
  undomained.set(rawSig, payloadBytes.length);
  assert.throws(
    () => validateHeartbeat(undomained, ctx()),
    (e) => isHeartbeatError(e, 'HEARTBEAT_BAD_SIGNATURE'),
  );
});
