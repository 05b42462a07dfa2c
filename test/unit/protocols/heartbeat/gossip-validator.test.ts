import assert from 'node:assert/strict';
import { test } from 'node:test';
import { generateKeyPair } from '@libp2p/crypto/keys';
import { type Message, TopicValidatorResult } from '@libp2p/gossipsub';
import { peerIdFromPrivateKey } from '@libp2p/peer-id';
import {
  HeartbeatError,
  INTERNAL_VALIDATION_ERROR,
  wrapGossipValidator,
} from '../../../../protocols/heartbeat/index.js';

const peer = peerIdFromPrivateKey(await generateKeyPair('Ed25519'));
const message: Message = { type: 'unsigned', topic: 't', data: new Uint8Array([1]) };

function run(validate: () => number) {
  const counted: string[] = [];
  const invalid: string[] = [];
  const accepted: number[] = [];
  const fn = wrapGossipValidator(validate, {
    onAccept: (v) => accepted.push(v),
    onInvalid: (e, r) => invalid.push(`${r}:${e.code}`),
    counter: { inc: (l) => counted.push(`${l.result}:${l.code}`) },
  });
  return { result: fn(peer, message), counted, invalid, accepted };
}

test('a returned value is ACCEPT and reaches onAccept', () => {
  const r = run(() => 5);
  assert.equal(r.result, TopicValidatorResult.Accept);
  assert.deepEqual(r.accepted, [5]);
  assert.deepEqual(r.counted, ['accept:OK']);
});

test('typed errors map to REJECT or IGNORE by their action, and are counted with their code', () => {
  const rejected = run(() => {
    throw new HeartbeatError('HEARTBEAT_BAD_SIGNATURE', 'x');
  });
  assert.equal(rejected.result, TopicValidatorResult.Reject);
  assert.deepEqual(rejected.invalid, ['reject:HEARTBEAT_BAD_SIGNATURE']);
  const ignored = run(() => {
    throw new HeartbeatError('HEARTBEAT_REPLAY', 'x');
  });
  assert.equal(ignored.result, TopicValidatorResult.Ignore);
  assert.deepEqual(ignored.counted, ['ignore:HEARTBEAT_REPLAY']);
});

test('an untyped exception is IGNORE with the internal code: our bug is not the peer’s fault', () => {
  const r = run(() => {
    throw new TypeError('boom');
  });
  assert.equal(r.result, TopicValidatorResult.Ignore);
  assert.deepEqual(r.invalid, [`ignore:${INTERNAL_VALIDATION_ERROR}`]);
});
