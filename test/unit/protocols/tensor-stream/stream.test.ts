// Real libp2p nodes on loopback TCP (noise + yamux) exchanging tensors over /splitup/tensor/2.0.0.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { Libp2p, PeerId, Stream } from '@libp2p/interface';
import { encodeHeader } from '../../../../protocols/tensor-stream/header.js';
import {
  TENSOR_STREAM_PROTOCOL,
  type TensorStream,
  type TensorStreamError,
  TensorStreamErrorCode,
  tensorStream,
} from '../../../../protocols/tensor-stream/index.js';
import type { Tensor, TensorSpec } from '../../../../storage/tensors/tensor.js';
import { connect, createLoopbackNode } from '../../../support/loopback-libp2p.js';

const SPECS: TensorSpec[] = [
  { name: 'hidden', dtype: 'float32', shape: [1, 'seq', 8] },
  { name: 'mask', dtype: 'int64', shape: [1, 'seq'] },
];
const STALL_MS = 300;

function tensor(dtype: Tensor['dtype'], shape: number[], bytesPerElement: number): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return { dtype, shape, data: new Uint8Array(randomBytes(n * bytesPerElement)) };
}

const hidden = tensor('float32', [1, 5, 8], 4);
const mask = tensor('int64', [1, 5], 8);

/** What a receiver delivers: the sent tensor, carrying the sha256 it verified. */
function verified(t: Tensor): Tensor {
  return { ...t, sha256: createHash('sha256').update(t.data).digest() };
}

/** Reads the receiver's verdict from a raw stream: status byte and the rejection code. */
async function verdict(stream: Stream): Promise<string> {
  const bytes: number[] = [];
  for await (const chunk of stream) bytes.push(...chunk.subarray());
  if (bytes[0] === 0) return 'OK';
  return new TextDecoder().decode(Uint8Array.from(bytes.slice(2, 2 + bytes[1]!)));
}

describe('tensor stream between two peers', () => {
  let sender: Libp2p<{ tensors: TensorStream }>;
  /** A third peer that sends what the receiver awaits from `sender`. */
  let rogue: Libp2p<{ tensors: TensorStream }>;
  let receiver: Libp2p<{ tensors: TensorStream }>;
  let receiverId: PeerId;
  const rejections: TensorStreamError[] = [];

  before(async () => {
    const services = (onRejected?: (err: TensorStreamError) => void) => ({
      tensors: tensorStream({
        stallTimeoutMs: STALL_MS,
        maxTensorBytes: 1024 * 1024,
        ...(onRejected ? { onRejected } : {}),
      }),
    });
    sender = (await createLoopbackNode({ services: services() })) as Libp2p<{ tensors: TensorStream }>;
    rogue = (await createLoopbackNode({ services: services() })) as Libp2p<{ tensors: TensorStream }>;
    receiver = (await createLoopbackNode({ services: services((e) => rejections.push(e)) })) as Libp2p<{
      tensors: TensorStream;
    }>;
    receiverId = receiver.peerId;
    await connect(sender, receiver);
    await connect(rogue, receiver);
  });

  after(async () => {
    await rogue.stop();
    await sender.stop();
    await receiver.stop();
  });

  const lastRejection = async (): Promise<TensorStreamError> => {
    // The receiver reports after it has answered; the sender's await already waited for that.
    for (let i = 0; i < 50 && rejections.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    const err = rejections.shift();
    assert.ok(err, 'receiver reported no rejection');
    return err;
  };

  /** A raw tensor stream from `from` that has sent the true header of `mask`, and no payload yet. */
  const openWithMaskHeader = async (from: Libp2p, executionId: string): Promise<Stream> => {
    const stream = await from.dialProtocol(receiverId, TENSOR_STREAM_PROTOCOL);
    stream.send(
      encodeHeader({
        executionId,
        taskId: 'task-1',
        name: 'mask',
        dtype: 'int64',
        shape: [1, 5],
        byteLength: 40,
        sha256: createHash('sha256').update(mask.data).digest(),
      }),
    );
    return stream;
  };

  /** The receiver's task-1 awaits `specs` of `executionId`, each from `from` (the sender by default). */
  const expect = (executionId: string, from: Libp2p = sender, specs: TensorSpec[] = SPECS) => {
    const senders = Object.fromEntries(specs.map((spec) => [spec.name, from.peerId.toString()]));
    const arrived = receiver.services.tensors.awaitTensors(
      executionId,
      'task-1',
      specs,
      AbortSignal.timeout(10_000),
      senders,
    );
    arrived.catch(() => undefined); // tests that only need the header checked never claim it
    return arrived;
  };

  const sendsAndArrives = async (executionId: string) => {
    const arrived = expect(executionId);
    await sender.services.tensors.send(receiverId, executionId, 'task-1', { hidden, mask });
    const got = await arrived;
    assert.deepEqual(got.hidden, verified(hidden));
    assert.deepEqual(got.mask, verified(mask));
  };

  it('delivers a verified set to a task awaiting it', async () => {
    await sendsAndArrives('exec-a');
    assert.equal(receiver.services.tensors.bufferedBytes, 0);
  });

  it('refuses tensors before the task awaits them, then joins a set from several streams', async () => {
    await assert.rejects(
      sender.services.tensors.send(receiverId, 'exec-b', 'task-1', { hidden }),
      (err: TensorStreamError) => err.remoteCode === TensorStreamErrorCode.UNEXPECTED_TASK,
    );
    assert.equal((await lastRejection()).code, TensorStreamErrorCode.UNEXPECTED_TASK);
    assert.equal(receiver.services.tensors.bufferedBytes, 0);
    const arrived = expect('exec-b');
    await sender.services.tensors.send(receiverId, 'exec-b', 'task-1', { hidden });
    assert.equal(receiver.services.tensors.bufferedBytes, hidden.data.byteLength);
    assert.equal(
      receiver.services.tensors.bufferedBytesFrom(sender.peerId.toString()),
      hidden.data.byteLength,
    );
    await sender.services.tensors.send(receiverId, 'exec-b', 'task-1', { mask });
    assert.deepEqual(await arrived, { hidden: verified(hidden), mask: verified(mask) });
    assert.equal(receiver.services.tensors.bufferedBytes, 0);
    // Once it ran, more tensors for it are refused too.
    await assert.rejects(
      sender.services.tensors.send(receiverId, 'exec-b', 'task-1', { mask }),
      (err: TensorStreamError) => err.remoteCode === TensorStreamErrorCode.UNEXPECTED_TASK,
    );
    assert.equal((await lastRejection()).code, TensorStreamErrorCode.UNEXPECTED_TASK);
  });

  it('rejects garbage with MALFORMED_HEADER and keeps serving', async () => {
    const stream = await sender.dialProtocol(receiverId, TENSOR_STREAM_PROTOCOL);
    stream.send(Uint8Array.of(0, 40, ...randomBytes(40)));
    await stream.close();
    assert.equal(await verdict(stream), TensorStreamErrorCode.MALFORMED_HEADER);
    assert.equal((await lastRejection()).code, TensorStreamErrorCode.MALFORMED_HEADER);
    await sendsAndArrives('exec-after-garbage');
  });

  it('rejects a dtype that does not match the interface, before any payload', async () => {
    expect('exec-c');
    const wrong = { hidden: tensor('float16', [1, 5, 8], 2) };
    await assert.rejects(
      sender.services.tensors.send(receiverId, 'exec-c', 'task-1', wrong),
      (err: TensorStreamError) =>
        err.code === TensorStreamErrorCode.REMOTE_REJECTED &&
        err.remoteCode === TensorStreamErrorCode.DTYPE_MISMATCH,
    );
    assert.equal((await lastRejection()).code, TensorStreamErrorCode.DTYPE_MISMATCH);
    await sendsAndArrives('exec-after-dtype');
  });

  it('rejects a shape that does not match the interface', async () => {
    expect('exec-d');
    await assert.rejects(
      sender.services.tensors.send(receiverId, 'exec-d', 'task-1', {
        hidden: tensor('float32', [2, 5, 8], 4),
      }),
      (err: TensorStreamError) => err.remoteCode === TensorStreamErrorCode.SHAPE_MISMATCH,
    );
    assert.equal((await lastRejection()).code, TensorStreamErrorCode.SHAPE_MISMATCH);
  });

  it('rejects tensors for a task this peer does not run, and oversized payloads', async () => {
    await assert.rejects(
      sender.services.tensors.send(receiverId, 'exec-e', 'task-9', { hidden }),
      (err: TensorStreamError) => err.remoteCode === TensorStreamErrorCode.UNEXPECTED_TASK,
    );
    assert.equal((await lastRejection()).code, TensorStreamErrorCode.UNEXPECTED_TASK);
    expect('exec-e');
    const huge = tensor('float32', [1, 40_000, 8], 4); // 1.28 MB > the 1 MiB cap
    await assert.rejects(
      sender.services.tensors.send(receiverId, 'exec-e', 'task-1', { hidden: huge }),
      (err: TensorStreamError) => err.remoteCode === TensorStreamErrorCode.TOO_LARGE,
    );
    assert.equal((await lastRejection()).code, TensorStreamErrorCode.TOO_LARGE);
    await sendsAndArrives('exec-after-large');
  });

  it('rejects a payload whose sha256 does not match its header', async () => {
    expect('exec-f');
    const stream = await openWithMaskHeader(sender, 'exec-f');
    stream.send(new Uint8Array(40)); // not mask.data
    await stream.close();
    assert.equal(await verdict(stream), TensorStreamErrorCode.HASH_MISMATCH);
    assert.equal((await lastRejection()).code, TensorStreamErrorCode.HASH_MISMATCH);
    assert.equal(receiver.services.tensors.bufferedBytes, 0);
  });

  it('aborts a stream that stalls inside a payload', async () => {
    expect('exec-g');
    const stream = await openWithMaskHeader(sender, 'exec-g');
    stream.send(mask.data.subarray(0, 10)); // then nothing
    assert.equal(await verdict(stream), TensorStreamErrorCode.STALLED);
    assert.equal((await lastRejection()).code, TensorStreamErrorCode.STALLED);
    assert.equal(receiver.services.tensors.bufferedBytes, 0);
    await sendsAndArrives('exec-after-stall');
  });

  it('rejects a stream that ends inside a payload as TRUNCATED', async () => {
    expect('exec-h');
    const stream = await openWithMaskHeader(sender, 'exec-h');
    stream.send(mask.data.subarray(0, 10));
    await stream.close();
    assert.equal(await verdict(stream), TensorStreamErrorCode.TRUNCATED);
    assert.equal((await lastRejection()).code, TensorStreamErrorCode.TRUNCATED);
  });

  it('reports a sender that resets inside a payload as TRUNCATED, and keeps serving', async () => {
    expect('exec-r');
    const stream = await openWithMaskHeader(sender, 'exec-r');
    stream.send(mask.data.subarray(0, 10));
    await new Promise((r) => setTimeout(r, 50)); // let the header and the first bytes arrive
    stream.abort(new Error('sender gave up'));
    const rejection = await lastRejection();
    assert.equal(rejection.code, TensorStreamErrorCode.TRUNCATED);
    assert.match(rejection.message, /reset by the remote/);
    assert.equal(receiver.services.tensors.bufferedBytes, 0);
    await sendsAndArrives('exec-after-reset');
  });

  it('accepts each tensor only from the peer the task awaits it from', async () => {
    const arrived = expect('exec-s');
    // The rogue is refused before its payload is read.
    await assert.rejects(
      rogue.services.tensors.send(receiverId, 'exec-s', 'task-1', { hidden }),
      (err: TensorStreamError) => err.remoteCode === TensorStreamErrorCode.UNAUTHORIZED_SENDER,
    );
    const refused = await lastRejection();
    assert.equal(refused.code, TensorStreamErrorCode.UNAUTHORIZED_SENDER);
    assert.match(refused.message, new RegExp(`not from ${rogue.peerId}`));
    await sender.services.tensors.send(receiverId, 'exec-s', 'task-1', { hidden, mask });
    assert.deepEqual(await arrived, { hidden: verified(hidden), mask: verified(mask) });
  });

  it('refuses a payload that was under way when the task stopped awaiting it', async () => {
    const controller = new AbortController();
    const senders = { hidden: sender.peerId.toString(), mask: sender.peerId.toString() };
    const arrived = receiver.services.tensors.awaitTensors(
      'exec-t',
      'task-1',
      SPECS,
      controller.signal,
      senders,
    );
    arrived.catch(() => undefined);
    const stream = await openWithMaskHeader(sender, 'exec-t');
    stream.send(mask.data.subarray(0, 8));
    await new Promise((r) => setTimeout(r, 50)); // the header passed while the task awaited
    controller.abort(); // e.g. the assignment's deadline
    stream.send(mask.data.subarray(8));
    await stream.close();
    assert.equal(await verdict(stream), TensorStreamErrorCode.UNEXPECTED_TASK);
    assert.equal((await lastRejection()).code, TensorStreamErrorCode.UNEXPECTED_TASK);
    assert.equal(receiver.services.tensors.bufferedBytes, 0);
  });

  it("a foreign copy sent first does not block the rightful sender's tensor", async () => {
    const arrived = expect('exec-u');
    const forged = tensor('int64', [1, 5], 8);
    await assert.rejects(
      rogue.services.tensors.send(receiverId, 'exec-u', 'task-1', { mask: forged }),
      (err: TensorStreamError) => err.remoteCode === TensorStreamErrorCode.UNAUTHORIZED_SENDER,
    );
    assert.equal((await lastRejection()).code, TensorStreamErrorCode.UNAUTHORIZED_SENDER);
    await sender.services.tensors.send(receiverId, 'exec-u', 'task-1', { hidden, mask });
    assert.deepEqual(await arrived, { hidden: verified(hidden), mask: verified(mask) });
    assert.equal(receiver.services.tensors.bufferedBytes, 0);
  });

  it('receives into a buffer handed back with recycle(), overwriting all of it', async () => {
    const big: TensorSpec = { name: 'hidden', dtype: 'float32', shape: [1, 'seq', 8] };
    const first = tensor('float32', [1, 32768, 8], 4); // 1 MiB: large enough to be pooled
    const second = tensor('float32', [1, 32768, 8], 4);
    const one = expect('exec-p1', sender, [big]);
    await sender.services.tensors.send(receiverId, 'exec-p1', 'task-1', { hidden: first });
    const firstBuffer = (await one).hidden!.data.buffer;
    receiver.services.tensors.recycle([firstBuffer as ArrayBuffer]);
    const two = expect('exec-p2', sender, [big]);
    await sender.services.tensors.send(receiverId, 'exec-p2', 'task-1', { hidden: second });
    const got = (await two).hidden!;
    assert.equal(got.data.buffer, firstBuffer, 'the recycled buffer was reused');
    assert.ok(Buffer.from(got.data).equals(Buffer.from(second.data)));
  });

  it('refuses to send a tensor whose bytes do not fit its dtype and shape', async () => {
    await assert.rejects(
      sender.services.tensors.send(receiverId, 'exec-i', 'task-1', {
        mask: { dtype: 'int64', shape: [1, 5], data: new Uint8Array(39) },
      }),
      (err: TensorStreamError) => err.code === TensorStreamErrorCode.INVALID_TENSOR,
    );
  });

  it("sends the producer's sha256 as is, so a stale one is caught by the receiver", async () => {
    const correct = { ...mask, sha256: createHash('sha256').update(mask.data).digest() };
    const arrived = expect('exec-k', sender, [SPECS[1]!]);
    await sender.services.tensors.send(receiverId, 'exec-k', 'task-1', { mask: correct });
    assert.deepEqual((await arrived).mask, correct);

    expect('exec-l', sender, [SPECS[1]!]);
    const stale = { ...mask, sha256: createHash('sha256').update(hidden.data).digest() };
    await assert.rejects(
      sender.services.tensors.send(receiverId, 'exec-l', 'task-1', { mask: stale }),
      (err: TensorStreamError) => err.remoteCode === TensorStreamErrorCode.HASH_MISMATCH,
    );
    assert.equal((await lastRejection()).code, TensorStreamErrorCode.HASH_MISMATCH);
    assert.equal(receiver.services.tensors.bufferedBytes, 0);
  });

  it('refuses to send a sha256 that is not 32 bytes', async () => {
    await assert.rejects(
      sender.services.tensors.send(receiverId, 'exec-m', 'task-1', {
        mask: { ...mask, sha256: new Uint8Array(31) },
      }),
      (err: TensorStreamError) => err.code === TensorStreamErrorCode.INVALID_TENSOR,
    );
  });

  it('stops awaiting when the signal aborts', async () => {
    const controller = new AbortController();
    const waiting = receiver.services.tensors.awaitTensors('exec-j', 'task-1', SPECS, controller.signal, {
      hidden: sender.peerId.toString(),
      mask: sender.peerId.toString(),
    });
    controller.abort();
    await assert.rejects(waiting, (err: TensorStreamError) => err.code === TensorStreamErrorCode.ABORTED);
  });
});
