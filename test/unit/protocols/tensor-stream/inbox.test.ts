// The inbox's accounting: nothing is taken for an (execution, task) nobody awaits, a sender never
// holds more than its share, and an expectation's bytes are freed when it settles or aborts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isTensorStreamError } from '../../../../protocols/tensor-stream/errors.js';
import { TensorInbox } from '../../../../protocols/tensor-stream/inbox.js';
import type { Tensor, TensorSpec } from '../../../../storage/tensors/tensor.js';

const SPECS: TensorSpec[] = [
  { name: 'a', dtype: 'uint8', shape: ['n'] },
  { name: 'b', dtype: 'uint8', shape: ['n'] },
];
const bytes = (n: number): Tensor => ({ dtype: 'uint8', shape: [n], data: new Uint8Array(n) });
const code = (c: string) => (e: unknown) => isTensorStreamError(e) && e.code === c;

test('an (execution, task) nobody awaits is refused, whoever sends', () => {
  const inbox = new TensorInbox({ maxBytes: 1000, maxBytesPerSender: 500 });
  assert.equal(inbox.expectation('e', 't'), undefined);
  assert.throws(() => inbox.checkArrival('e', 't', 'a', 'P'), code('TENSOR_STREAM_UNEXPECTED_TASK'));
  assert.throws(
    () => inbox.deliverLocal('e', 't', new Map([['a', bytes(1)]]), 'P'),
    code('TENSOR_STREAM_UNEXPECTED_TASK'),
  );
  assert.equal(inbox.bufferedBytes, 0);
});

test('a sender is held to its own budget and the inbox to the global one', () => {
  const inbox = new TensorInbox({ maxBytes: 1000, maxBytesPerSender: 400 });
  inbox.reserve(400, 'P');
  assert.throws(() => inbox.reserve(1, 'P'), code('TENSOR_STREAM_SENDER_OVER_BUDGET'));
  inbox.reserve(400, 'Q');
  assert.throws(() => inbox.reserve(300, 'R'), code('TENSOR_STREAM_INBOX_FULL'));
  assert.equal(inbox.bytesFrom('P'), 400);
  inbox.release(400, 'P');
  assert.equal(inbox.bytesFrom('P'), 0);
  inbox.reserve(300, 'R');
  assert.equal(inbox.bufferedBytes, 700);
});

test('an awaited set takes each tensor from its named sender only, and frees its bytes on abort', async () => {
  const inbox = new TensorInbox({ maxBytes: 1000, maxBytesPerSender: 500 });
  const controller = new AbortController();
  const awaited = inbox.awaitTensors('e', 't', SPECS, controller.signal, { a: 'P', b: 'self' });
  assert.throws(() => inbox.checkArrival('e', 't', 'a', 'Q'), code('TENSOR_STREAM_UNAUTHORIZED_SENDER'));
  inbox.reserve(10, 'P');
  inbox.deliver('e', 't', new Map([['a', bytes(10)]]), 'P');
  assert.throws(() => inbox.checkArrival('e', 't', 'a', 'P'), code('TENSOR_STREAM_DUPLICATE_TENSOR'));
  assert.equal(inbox.bytesFrom('P'), 10);
  controller.abort();
  await assert.rejects(awaited, code('TENSOR_STREAM_ABORTED'));
  assert.equal(inbox.bufferedBytes, 0);
  assert.equal(inbox.expectation('e', 't'), undefined);
});

test('local delivery hands over the very tensor objects and settles the set', async () => {
  const inbox = new TensorInbox({ maxBytes: 1000, maxBytesPerSender: 500 });
  const awaited = inbox.awaitTensors('e', 't', SPECS, undefined, { a: 'P', b: 'self' });
  const b = bytes(20);
  inbox.reserve(10, 'P');
  inbox.deliver('e', 't', new Map([['a', bytes(10)]]), 'P');
  inbox.deliverLocal('e', 't', new Map([['b', b]]), 'self');
  const got = await awaited;
  assert.equal(got.b, b, 'the same object, not a copy');
  assert.equal(inbox.bufferedBytes, 0);
});

test('an await that names no sender for an input is refused', async () => {
  const inbox = new TensorInbox({ maxBytes: 1000, maxBytesPerSender: 500 });
  await assert.rejects(
    inbox.awaitTensors('e', 't', SPECS, undefined, { a: 'P' }),
    code('TENSOR_STREAM_UNAUTHORIZED_SENDER'),
  );
});
