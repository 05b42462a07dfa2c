import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  decodeSignedHeartbeat,
  encodePayload,
  encodeSignedHeartbeat,
  HEARTBEAT_CODEC_VERSION,
  type HeartbeatPayload,
  isHeartbeatError,
  MAX_HARDWARE_CLASS_BYTES,
  MAX_HEARTBEAT_BYTES,
  MAX_TASK_ID_BYTES,
  MAX_TASKS_PER_HEARTBEAT,
} from '../../../../protocols/heartbeat/index.js';

const payload: HeartbeatPayload = {
  nodeKey: new Uint8Array(32).fill(9),
  sequence: 1_700_000_000_123n,
  timestampMs: 1_700_000_000_456n,
  status: 'busy',
  freeVramBytes: 8n * 1024n ** 3n,
  tasks: ['task-0', 'task-ü'],
};
const signature = new Uint8Array(64).fill(3);

test('a heartbeat round-trips through the canonical encoding', () => {
  const wire = encodeSignedHeartbeat(encodePayload(payload), signature);
  const { heartbeat, payloadBytes } = decodeSignedHeartbeat(wire);
  assert.deepEqual({ ...heartbeat }, { ...payload, signature });
  assert.deepEqual(payloadBytes, encodePayload(payload));
});

test('the encoding is deterministic and the largest valid heartbeat fits the maximum exactly', () => {
  assert.deepEqual(encodePayload(payload), encodePayload({ ...payload, tasks: [...payload.tasks] }));
  const full = {
    ...payload,
    tasks: Array.from({ length: MAX_TASKS_PER_HEARTBEAT }, (_, i) => `${i}`.padEnd(MAX_TASK_ID_BYTES, 'x')),
    hardwareClass: 'h'.repeat(MAX_HARDWARE_CLASS_BYTES),
  };
  assert.equal(encodeSignedHeartbeat(encodePayload(full), signature).length, MAX_HEARTBEAT_BYTES);
});

test('oversized input is rejected before parsing with HEARTBEAT_OVERSIZED', () => {
  assert.throws(
    () => decodeSignedHeartbeat(new Uint8Array(MAX_HEARTBEAT_BYTES + 1)),
    (e) => isHeartbeatError(e, 'HEARTBEAT_OVERSIZED') && e.action === 'reject',
  );
});

test('truncated, trailing, wrong-version and bad-status bytes are HEARTBEAT_MALFORMED', () => {
  const wire = encodeSignedHeartbeat(encodePayload(payload), signature);
  const malformed = (bytes: Uint8Array) =>
    assert.throws(
      () => decodeSignedHeartbeat(bytes),
      (e) => isHeartbeatError(e, 'HEARTBEAT_MALFORMED'),
    );
  malformed(wire.subarray(0, 40));
  malformed(wire.subarray(0, wire.length - 3));
  const trailing = new Uint8Array(wire.length + 1);
  trailing.set(wire.subarray(0, wire.length - 64));
  trailing.set(signature, wire.length - 63);
  malformed(trailing);
  const version = wire.slice();
  version[0] = HEARTBEAT_CODEC_VERSION + 1;
  malformed(version);
  const status = wire.slice();
  status[1 + 32 + 16] = 7;
  malformed(status);
});

test('fields outside their limits are refused at encoding with HEARTBEAT_INVALID_FIELD', () => {
  const invalid = (p: HeartbeatPayload) =>
    assert.throws(
      () => encodePayload(p),
      (e) => isHeartbeatError(e, 'HEARTBEAT_INVALID_FIELD'),
    );
  invalid({ ...payload, nodeKey: new Uint8Array(31) });
  invalid({ ...payload, sequence: -1n });
  invalid({ ...payload, freeVramBytes: 1n << 64n });
  invalid({ ...payload, tasks: [''] });
  invalid({ ...payload, tasks: ['y'.repeat(MAX_TASK_ID_BYTES + 1)] });
  invalid({ ...payload, tasks: Array.from({ length: MAX_TASKS_PER_HEARTBEAT + 1 }, () => 't') });
  invalid({ ...payload, status: 'asleep' as HeartbeatPayload['status'] });
});

test('a hardware class round-trips, is covered by the encoding, and is bounded', () => {
  const withClass = { ...payload, hardwareClass: 'onnxruntime-node/1.30.0/cpu/x64/AMD EPYC' };
  const wire = encodeSignedHeartbeat(encodePayload(withClass), signature);
  assert.equal(decodeSignedHeartbeat(wire).heartbeat.hardwareClass, withClass.hardwareClass);
  assert.notDeepEqual(encodePayload(withClass), encodePayload(payload));
  assert.equal(
    decodeSignedHeartbeat(encodeSignedHeartbeat(encodePayload(payload), signature)).heartbeat.hardwareClass,
    undefined,
  );
  assert.throws(
    () => encodePayload({ ...payload, hardwareClass: 'h'.repeat(MAX_HARDWARE_CLASS_BYTES + 1) }),
    (e) => isHeartbeatError(e, 'HEARTBEAT_INVALID_FIELD'),
  );
  // A class length pointing past the signature is malformed, not a crash.
  const bad = wire.slice();
  bad[encodePayload(payload).length - 1] = 200;
  assert.throws(
    () => decodeSignedHeartbeat(bad),
    (e) => isHeartbeatError(e, 'HEARTBEAT_MALFORMED'),
  );
});
