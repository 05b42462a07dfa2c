import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { isCodedError } from '../../../node/errors.js';
import { decodeNpy, encodeNpy } from '../../../node/tensor/npy.js';
import { readNpyFile, writeNpyFile } from '../../../node/tensor/npy-file.js';
import { DTYPES, type DType, type Tensor, tensorByteLength } from '../../../storage/tensors/tensor.js';

function patterned(dtype: DType, shape: number[]): Tensor {
  const data = new Uint8Array(tensorByteLength(dtype, shape));
  for (let i = 0; i < data.length; i++) data[i] = dtype === 'bool' ? i % 2 : (i * 37 + 11) & 0xff;
  return { dtype, shape, data };
}

function rejectsWith(code: string) {
  return (err: unknown) => isCodedError(err, code);
}

test('every dtype round-trips through .npy bytes, data aligned to 64', () => {
  for (const dtype of DTYPES) {
    for (const shape of [[], [0], [5], [2, 3, 4]]) {
      const t = patterned(dtype, shape);
      const bytes = encodeNpy(t);
      assert.equal((bytes.length - t.data.length) % 64, 0, `${dtype} header alignment`);
      const back = decodeNpy(bytes);
      assert.equal(back.dtype, dtype);
      assert.deepEqual(back.shape, shape);
      assert.deepEqual(Buffer.from(back.data), Buffer.from(t.data));
    }
  }
});

test('header text matches what numpy writes', () => {
  const bytes = encodeNpy(patterned('float32', [1, 3]));
  const headerLength = new DataView(bytes.buffer).getUint16(8, true);
  const header = new TextDecoder().decode(bytes.subarray(10, 10 + headerLength));
  assert.ok(header.endsWith('\n'));
  assert.equal(header.trimEnd(), "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 3), }");
  assert.equal(bytes[6], 1);
  const one = new TextDecoder().decode(encodeNpy(patterned('int64', [7])).subarray(10, 100));
  assert.match(one, /'shape': \(7,\)/);
  assert.match(one, /'descr': '<i8'/);
});

function withHeader(dict: string, data: Uint8Array, major = 1): Uint8Array {
  const prefix = major === 1 ? 10 : 12;
  const len = Math.ceil((prefix + dict.length + 1) / 64) * 64 - prefix;
  const header = `${dict}${' '.repeat(len - dict.length - 1)}\n`;
  const out = new Uint8Array(prefix + len + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, major, 0]);
  const view = new DataView(out.buffer);
  if (major === 1) view.setUint16(8, len, true);
  else view.setUint32(8, len, true);
  out.set(new TextEncoder().encode(header), prefix);
  out.set(data, prefix + len);
  return out;
}

test('big-endian files are converted to little-endian', () => {
  const be = Uint8Array.of(0x3f, 0x80, 0, 0, 0x40, 0, 0, 0); // 1.0f, 2.0f big-endian
  const t = decodeNpy(withHeader("{'descr': '>f4', 'fortran_order': False, 'shape': (2,), }", be));
  assert.deepEqual([...new Float32Array(t.data.buffer, t.data.byteOffset, 2)], [1, 2]);
});

test('version 2.0 headers and 1-d fortran_order arrays are accepted', () => {
  const data = new Uint8Array(8);
  const t = decodeNpy(withHeader("{'descr': '<i4', 'fortran_order': True, 'shape': (2, 1), }", data, 2));
  assert.deepEqual(t.shape, [2, 1]);
  assert.equal(t.dtype, 'int32');
});

test('malformed files fail with typed errors', () => {
  const good = encodeNpy(patterned('float32', [2, 2]));
  assert.throws(() => decodeNpy(Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10)), rejectsWith('NPY_BAD_MAGIC'));
  assert.throws(() => decodeNpy(new Uint8Array(0)), rejectsWith('NPY_BAD_MAGIC'));
  const badVersion = good.slice();
  badVersion[6] = 9;
  assert.throws(() => decodeNpy(badVersion), rejectsWith('NPY_BAD_VERSION'));
  assert.throws(() => decodeNpy(good.subarray(0, 30)), rejectsWith('NPY_TRUNCATED'));
  assert.throws(() => decodeNpy(good.subarray(0, good.length - 1)), rejectsWith('NPY_TRUNCATED'));
  const extra = new Uint8Array(good.length + 4);
  extra.set(good);
  assert.throws(() => decodeNpy(extra), rejectsWith('NPY_SIZE_MISMATCH'));
  const d = new Uint8Array(16);
  assert.throws(
    () => decodeNpy(withHeader("{'descr': '<c8', 'fortran_order': False, 'shape': (2,), }", d)),
    rejectsWith('NPY_UNSUPPORTED_DTYPE'),
  );
  assert.throws(
    () => decodeNpy(withHeader("{'descr': '|O', 'fortran_order': False, 'shape': (2,), }", d)),
    rejectsWith('NPY_UNSUPPORTED_DTYPE'),
  );
  assert.throws(
    () => decodeNpy(withHeader("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (2,), }", d)),
    rejectsWith('NPY_UNSUPPORTED_DTYPE'),
  );
  assert.throws(
    () => decodeNpy(withHeader("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }", d)),
    rejectsWith('NPY_FORTRAN_ORDER'),
  );
  assert.throws(
    () => decodeNpy(withHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (-1, 4), }", d)),
    rejectsWith('NPY_BAD_HEADER'),
  );
  assert.throws(
    () => decodeNpy(withHeader("{'descr': '<f4', 'shape': (4,), }", d)),
    rejectsWith('NPY_BAD_HEADER'),
  );
  assert.throws(() => decodeNpy(withHeader('not a dict', d)), rejectsWith('NPY_BAD_HEADER'));
  assert.throws(
    () => encodeNpy({ dtype: 'float32', shape: [3], data: new Uint8Array(8) }),
    rejectsWith('NPY_SIZE_MISMATCH'),
  );
});

test('files: write then read, and typed errors for missing files', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'npy-'));
  const t = patterned('float16', [2, 5]);
  await writeNpyFile(join(dir, 'a.npy'), t);
  const back = await readNpyFile(join(dir, 'a.npy'));
  assert.deepEqual(Buffer.from(back.data), Buffer.from(t.data));
  assert.equal(back.data.byteOffset, 0);
  assert.equal(back.data.buffer.byteLength, back.data.byteLength);
  await assert.rejects(readNpyFile(join(dir, 'missing.npy')), rejectsWith('NPY_READ_FAILED'));
  await assert.rejects(writeNpyFile(join(dir, 'no', 'such', 'dir.npy'), t), rejectsWith('NPY_WRITE_FAILED'));
  await writeFile(join(dir, 'junk.npy'), 'hello');
  await assert.rejects(readNpyFile(join(dir, 'junk.npy')), rejectsWith('NPY_BAD_MAGIC'));
});

const hasNumpy = spawnSync('python3', ['-c', 'import numpy'], { stdio: 'ignore' }).status === 0;

test('numpy reads what we write and we read what numpy writes', {
  skip: !hasNumpy && 'python3 numpy not installed',
}, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'npy-np-'));
  const ours = patterned('int64', [2, 3]);
  await writeNpyFile(join(dir, 'ours.npy'), ours);
  const script = `
import numpy as np, sys
d = sys.argv[1]
a = np.load(d + '/ours.npy')
assert a.dtype == np.int64 and a.shape == (2, 3), (a.dtype, a.shape)
open(d + '/ours.bin', 'wb').write(a.tobytes())
np.save(d + '/f16.npy', np.arange(6, dtype=np.float16).reshape(3, 2))
np.save(d + '/b.npy', np.array([True, False, True]))
np.save(d + '/be.npy', np.arange(4, dtype='>i4'))
np.save(d + '/scalar.npy', np.float64(2.5))
np.save(d + '/fortran.npy', np.asfortranarray(np.ones((2, 3), dtype=np.float32)))
`;
  const r = spawnSync('python3', ['-c', script, dir], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(await readFile(join(dir, 'ours.bin')), Buffer.from(ours.data));
  const f16 = await readNpyFile(join(dir, 'f16.npy'));
  assert.equal(f16.dtype, 'float16');
  assert.deepEqual(f16.shape, [3, 2]);
  assert.equal(new Uint16Array(f16.data.buffer)[1], 0x3c00); // 1.0 in half precision
  const b = await readNpyFile(join(dir, 'b.npy'));
  assert.equal(b.dtype, 'bool');
  assert.deepEqual([...b.data], [1, 0, 1]);
  const be = await readNpyFile(join(dir, 'be.npy'));
  assert.deepEqual([...new Int32Array(be.data.buffer)], [0, 1, 2, 3]);
  const scalar = await readNpyFile(join(dir, 'scalar.npy'));
  assert.deepEqual(scalar.shape, []);
  assert.equal(new Float64Array(scalar.data.buffer)[0], 2.5);
  await assert.rejects(readNpyFile(join(dir, 'fortran.npy')), rejectsWith('NPY_FORTRAN_ORDER'));
});
