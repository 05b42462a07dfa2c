import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BufferPool } from '../../../../protocols/common/buffer-pool.js';

const MIB = 1024 * 1024;

describe('payload buffer pool', () => {
  it('hands a given buffer back for the next take of the same size, and only once', () => {
    const pool = new BufferPool({ maxBytes: 8 * MIB, minBufferBytes: MIB });
    const given = new ArrayBuffer(2 * MIB);
    assert.equal(pool.give(given), true);
    assert.equal(pool.give(given), false, 'the same buffer twice would be handed out twice');
    assert.equal(pool.bytes, 2 * MIB);
    assert.notEqual(pool.take(3 * MIB).buffer, given, 'another size gets a fresh buffer');
    assert.equal(pool.take(2 * MIB).buffer, given);
    assert.equal(pool.bytes, 0);
    assert.notEqual(pool.take(2 * MIB).buffer, given);
  });

  it('accepts a view only when it covers its whole buffer', () => {
    const pool = new BufferPool({ maxBytes: 8 * MIB, minBufferBytes: MIB });
    const buffer = new ArrayBuffer(2 * MIB);
    assert.equal(pool.give(new Uint8Array(buffer, 1)), false);
    assert.equal(pool.give(new Uint8Array(buffer, 0, MIB)), false);
    assert.equal(pool.give(new Uint8Array(buffer)), true);
    assert.equal(pool.take(2 * MIB).buffer, buffer);
  });

  it('refuses small, shared and detached buffers', () => {
    const pool = new BufferPool({ maxBytes: 8 * MIB, minBufferBytes: MIB });
    assert.equal(pool.give(new ArrayBuffer(MIB - 1)), false);
    assert.equal(pool.give(new Uint8Array(new SharedArrayBuffer(2 * MIB))), false);
    const moved = new ArrayBuffer(2 * MIB);
    structuredClone(moved, { transfer: [moved] });
    assert.equal(moved.byteLength, 0);
    assert.equal(pool.give(moved), false);
    assert.equal(pool.bytes, 0);
  });

  it('drops the oldest buffers beyond its byte cap', () => {
    const pool = new BufferPool({ maxBytes: 4 * MIB, minBufferBytes: MIB });
    const [a, b, c] = [new ArrayBuffer(2 * MIB), new ArrayBuffer(2 * MIB), new ArrayBuffer(2 * MIB)];
    for (const buffer of [a, b, c]) assert.equal(pool.give(buffer), true);
    assert.equal(pool.bytes, 4 * MIB);
    const taken = [pool.take(2 * MIB).buffer, pool.take(2 * MIB).buffer, pool.take(2 * MIB).buffer];
    assert.deepEqual(
      taken.map((t) => [a, b, c].indexOf(t as ArrayBuffer)),
      [2, 1, -1],
      'newest first; the oldest was dropped',
    );
    assert.equal(pool.give(new ArrayBuffer(5 * MIB)), false, 'larger than the whole cap');
  });
});
