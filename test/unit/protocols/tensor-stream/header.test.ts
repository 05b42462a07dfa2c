import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { MAX_HEADER_BYTES } from '../../../../protocols/tensor-stream/constants.js';
import { TensorStreamErrorCode } from '../../../../protocols/tensor-stream/errors.js';
import {
  decodeHeader,
  decodeHeaderLength,
  encodeHeader,
  type TensorHeader,
} from '../../../../protocols/tensor-stream/header.js';
import { validateHeader } from '../../../../protocols/tensor-stream/validate.js';

const header: TensorHeader = {
  executionId: 'exec-1',
  taskId: 'task-0',
  name: 'hidden',
  dtype: 'float16',
  shape: [1, 3, 4],
  byteLength: 24,
  sha256: new Uint8Array(createHash('sha256').update('x').digest()),
};

const body = (h: TensorHeader) => encodeHeader(h).subarray(2);
const code = (c: string) => (err: unknown) => (err as { code?: string }).code === c;

describe('tensor header codec', () => {
  it('round-trips every field', () => {
    const encoded = encodeHeader(header);
    assert.equal(decodeHeaderLength(encoded.subarray(0, 2)), encoded.byteLength - 2);
    assert.deepEqual(decodeHeader(encoded.subarray(2)), header);
  });

  it('rejects a length over the cap before reading the body', () => {
    assert.throws(
      () => decodeHeaderLength(Uint8Array.of((MAX_HEADER_BYTES + 1) >> 8, (MAX_HEADER_BYTES + 1) & 0xff)),
      code(TensorStreamErrorCode.HEADER_TOO_LARGE),
    );
    assert.throws(
      () => decodeHeaderLength(Uint8Array.of(0, 0)),
      code(TensorStreamErrorCode.MALFORMED_HEADER),
    );
  });

  it('rejects a wrong version, truncation, trailing bytes and an unknown dtype', () => {
    const good = body(header);
    const badVersion = good.slice();
    badVersion[0] = 9;
    assert.throws(() => decodeHeader(badVersion), code(TensorStreamErrorCode.MALFORMED_HEADER));
    assert.throws(
      () => decodeHeader(good.subarray(0, good.byteLength - 1)),
      code(TensorStreamErrorCode.MALFORMED_HEADER),
    );
    assert.throws(
      () => decodeHeader(Uint8Array.of(...good, 0)),
      code(TensorStreamErrorCode.MALFORMED_HEADER),
    );
    const dtypeAt = 1 + 1 + 6 + 1 + 6 + 1 + 6;
    const badDtype = good.slice();
    badDtype[dtypeAt] = 200;
    assert.throws(() => decodeHeader(badDtype), code(TensorStreamErrorCode.MALFORMED_HEADER));
  });

  it('round-trips a direct route, and rejects an unknown route, port 0 or a short route', () => {
    const direct = {
      port: 40_001,
      token: new Uint8Array(16).fill(1),
      key: new Uint8Array(16).fill(2),
      iv: new Uint8Array(16).fill(3),
    };
    const encoded = body({ ...header, direct });
    assert.deepEqual(decodeHeader(encoded), { ...header, direct });
    const routeAt = body(header).byteLength - 1;
    const unknownRoute = encoded.slice();
    unknownRoute[routeAt] = 9;
    assert.throws(() => decodeHeader(unknownRoute), /unknown payload route 9/);
    const portZero = encoded.slice();
    portZero.fill(0, routeAt + 1, routeAt + 3);
    assert.throws(() => decodeHeader(portZero), /port 0/);
    assert.throws(
      () => decodeHeader(encoded.subarray(0, encoded.byteLength - 1)),
      /truncated at direct route/,
    );
    assert.throws(
      () => encodeHeader({ ...header, direct: { ...direct, key: new Uint8Array(15) } }),
      code(TensorStreamErrorCode.INVALID_TENSOR),
    );
  });

  it('rejects random bytes', () => {
    for (let i = 0; i < 200; i++) {
      const junk = new Uint8Array(1 + (i % 60)).map(() => Math.floor(Math.random() * 256));
      junk[0] = 7; // never a valid version
      assert.throws(() => decodeHeader(junk), code(TensorStreamErrorCode.MALFORMED_HEADER));
    }
  });

  it('refuses to encode ids that exceed their limits', () => {
    assert.throws(
      () => encodeHeader({ ...header, executionId: 'e'.repeat(200) }),
      code(TensorStreamErrorCode.INVALID_TENSOR),
    );
    assert.throws(
      () => encodeHeader({ ...header, shape: [1, 2, 3, 4, 5, 6, 7, 8, 9] }),
      code(TensorStreamErrorCode.INVALID_TENSOR),
    );
  });
});

describe('header validation against the declared interface', () => {
  const specs = [{ name: 'hidden', dtype: 'float16' as const, shape: [1, 'seq', 4] }];
  const limits = { maxTensorBytes: 1024 };

  it('accepts a header that matches, symbolic dims included', () => {
    assert.equal(validateHeader(header, specs, limits).name, 'hidden');
  });

  it('names the mismatch', () => {
    assert.throws(
      () => validateHeader({ ...header, name: 'other' }, specs, limits),
      code(TensorStreamErrorCode.UNKNOWN_TENSOR),
    );
    assert.throws(
      () => validateHeader({ ...header, dtype: 'float32', byteLength: 48 }, specs, limits),
      code(TensorStreamErrorCode.DTYPE_MISMATCH),
    );
    assert.throws(
      () => validateHeader({ ...header, shape: [2, 3, 4], byteLength: 48 }, specs, limits),
      code(TensorStreamErrorCode.SHAPE_MISMATCH),
    );
    assert.throws(
      () => validateHeader({ ...header, byteLength: 25 }, specs, limits),
      code(TensorStreamErrorCode.LENGTH_MISMATCH),
    );
    assert.throws(
      () => validateHeader({ ...header, shape: [1, 1000, 4], byteLength: 8000 }, specs, limits),
      code(TensorStreamErrorCode.TOO_LARGE),
    );
  });
});
