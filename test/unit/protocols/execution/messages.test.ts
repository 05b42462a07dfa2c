import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MAX_ID_BYTES, MAX_ROUTES } from '../../../../protocols/execution/constants.js';
import { ExecutionErrorCode, isExecutionError } from '../../../../protocols/execution/errors.js';
import { decodeMessage, decodeReply, encodeJson } from '../../../../protocols/execution/messages.js';

const bytes = (v: unknown) => new TextEncoder().encode(typeof v === 'string' ? v : JSON.stringify(v));
const malformed = (err: unknown) => isExecutionError(err, ExecutionErrorCode.MALFORMED_MESSAGE);

const assign = {
  type: 'assign',
  executionId: 'e1',
  taskId: 't1',
  bundleId: 'b'.repeat(64),
  client: { peer: 'P', addrs: ['/ip4/127.0.0.1/tcp/1'] },
  routes: [{ output: 'y', to: { task: '@model', tensor: 'y', peer: { peer: 'P', addrs: [] } } }],
  sources: [{ tensor: 'x', peer: 'C' }],
  deadline: 1_700_000_000_000,
};

test('an assignment survives an encode/decode round trip unchanged', () => {
  const decoded = decodeMessage(encodeJson(decodeMessage(bytes(assign))));
  assert.deepEqual(decoded, assign);
});

test('a report keeps its failure code and message', () => {
  const report = {
    type: 'report',
    executionId: 'e',
    taskId: 't',
    status: 'failed',
    code: 'X',
    message: 'boom',
  };
  assert.deepEqual(decodeMessage(bytes(report)), report);
});

test('garbage, wrong types and oversized fields are MALFORMED_MESSAGE, naming the field', () => {
  assert.throws(() => decodeMessage(new Uint8Array([0xff, 0xfe, 0x00])), malformed);
  assert.throws(() => decodeMessage(bytes('[1,2]')), malformed);
  assert.throws(() => decodeMessage(bytes({ ...assign, type: 'steal' })), /unknown message type "steal"/);
  assert.throws(() => decodeMessage(bytes({ ...assign, taskId: 7 })), /field 'taskId'/);
  assert.throws(
    () => decodeMessage(bytes({ ...assign, executionId: 'x'.repeat(MAX_ID_BYTES + 1) })),
    /executionId/,
  );
  assert.throws(() => decodeMessage(bytes({ ...assign, deadline: -1 })), /deadline/);
  assert.throws(
    () => decodeMessage(bytes({ ...assign, client: { peer: 'P', addrs: 'nope' } })),
    /client.addrs/,
  );
  const tooMany = Array.from({ length: MAX_ROUTES + 1 }, () => assign.routes[0]);
  assert.throws(() => decodeMessage(bytes({ ...assign, routes: tooMany })), /routes must be an array/);
  assert.throws(() => decodeMessage(bytes({ ...assign, routes: [{ output: 'y' }] })), /routes\[0\]/);
  const { sources: _, ...unsourced } = assign;
  assert.throws(() => decodeMessage(bytes(unsourced)), /sources must be an array/);
  assert.throws(() => decodeMessage(bytes({ ...assign, sources: [{ tensor: 'x' }] })), /field 'peer'/);
  assert.throws(
    () => decodeMessage(bytes({ ...assign, sources: [assign.sources[0], { tensor: 'x', peer: 'D' }] })),
    /sources name a tensor twice/,
  );
  assert.throws(
    () => decodeMessage(bytes({ type: 'report', executionId: 'e', taskId: 't', status: 'maybe' })),
    /status/,
  );
});

test('a reply is ok, or a rejection with its code', () => {
  assert.deepEqual(decodeReply(bytes({ ok: true })), { ok: true });
  assert.deepEqual(decodeReply(bytes({ ok: false, code: 'C', message: 'm' })), {
    ok: false,
    code: 'C',
    message: 'm',
  });
  assert.throws(() => decodeReply(bytes({ ok: 'yes' })), malformed);
});
