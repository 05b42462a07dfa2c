import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { getEventListeners } from 'node:events';
import { describe, it } from 'node:test';
import { streamPair } from '@libp2p/utils';
import {
  MAX_UNREAD_BYTES,
  type StreamReadErrors,
  StreamReader,
} from '../../../../protocols/common/stream-reader.js';

class ReadError extends Error {
  constructor(readonly kind: 'stalled' | 'truncated' | 'aborted') {
    super(kind);
  }
}
const errors: StreamReadErrors = {
  stalled: () => new ReadError('stalled'),
  truncated: (got, wanted, what) => Object.assign(new ReadError('truncated'), { got, wanted, what }),
  aborted: () => new ReadError('aborted'),
};
const kind = (k: ReadError['kind']) => (err: unknown) => err instanceof ReadError && err.kind === k;

describe('stream reader', () => {
  it('hands out exact byte counts across chunk boundaries, then a clean end', async () => {
    const [out, inn] = await streamPair();
    const reader = new StreamReader(inn, 2_000, errors);
    const payload = new Uint8Array(randomBytes(300_000));
    for (let at = 0; at < payload.byteLength; at += 7_001) out.send(payload.subarray(at, at + 7_001));
    await out.close();
    const head = await reader.readExactly(3, 'head');
    const pieces: Uint8Array[] = [];
    const body = new Uint8Array(payload.byteLength - 3);
    await reader.readInto(body, 'body', (p) => pieces.push(p.slice()));
    assert.ok(Buffer.concat([head!, body]).equals(payload));
    assert.ok(Buffer.concat(pieces).equals(body), 'every piece went to onPiece, in order');
    assert.equal(await reader.readExactly(1, 'more', true), null);
  });

  it('reports an end inside a read as truncated, with what and how much', async () => {
    const [out, inn] = await streamPair();
    const reader = new StreamReader(inn, 2_000, errors);
    out.send(new Uint8Array(10));
    await out.close();
    await assert.rejects(
      reader.readExactly(16, 'header'),
      (err: ReadError & { got?: number; what?: string }) => {
        return err.kind === 'truncated' && err.got === 10 && err.what === 'header';
      },
    );
  });

  it('fails a read on a reset instead of ending cleanly', async () => {
    const [out, inn] = await streamPair();
    const reader = new StreamReader(inn, 2_000, errors);
    out.send(new Uint8Array(4));
    const reading = reader.readExactly(8, 'frame');
    await new Promise((r) => setTimeout(r, 20));
    out.abort(new Error('gone'));
    await assert.rejects(reading, /reset by the remote/);
  });

  it('gives up on a quiet stream after the stall timeout, and on abort', async () => {
    const [, inn] = await streamPair();
    await assert.rejects(new StreamReader(inn, 50, errors).readExactly(1, 'x'), kind('stalled'));
    const [, other] = await streamPair();
    const controller = new AbortController();
    const reading = new StreamReader(other, 5_000, errors, controller.signal).readExactly(1, 'x');
    controller.abort();
    await assert.rejects(reading, kind('aborted'));
  });

  it('lets go of the stream and of a long-lived signal once the stream closes', async () => {
    const [out, inn] = await streamPair();
    const lifetime = new AbortController(); // like a service's shutdown signal
    const reader = new StreamReader(inn, 2_000, errors, lifetime.signal);
    assert.equal(getEventListeners(lifetime.signal, 'abort').length, 1);
    out.send(Uint8Array.of(9));
    assert.deepEqual([...(await reader.readExactly(1, 'x'))!], [9]);
    await out.close();
    await inn.close();
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(getEventListeners(lifetime.signal, 'abort').length, 0);
    assert.equal(inn.listenerCount('message'), 0);
  });

  it('fails a peer that sends more than MAX_UNREAD_BYTES nobody asked for, and drops the bytes', async () => {
    const [out, inn] = await streamPair({ capacity: 1_000_000 });
    const reader = new StreamReader(inn, 2_000, errors);
    const chunk = new Uint8Array(1024 * 1024);
    for (let sent = 0; sent <= MAX_UNREAD_BYTES; sent += chunk.byteLength) {
      if (!out.send(chunk)) await out.onDrain();
    }
    await new Promise((r) => setTimeout(r, 50));
    await assert.rejects(reader.readExactly(1, 'x'), /nobody read/);
  });

  it('delivers bytes that arrived before the reader was attached', async () => {
    const [out, inn] = await streamPair();
    out.send(Uint8Array.of(1, 2, 3));
    await out.close();
    await new Promise((r) => setTimeout(r, 20));
    const reader = new StreamReader(inn, 2_000, errors);
    assert.deepEqual([...(await reader.readExactly(3, 'early'))!], [1, 2, 3]);
    assert.equal(await reader.readExactly(1, 'more', true), null);
  });
});
