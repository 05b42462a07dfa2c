import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compareTensors, halfToNumber } from '../../../node/tensor/compare.js';
import type { Tensor } from '../../../storage/tensors/tensor.js';

const f32 = (values: number[], shape = [values.length]): Tensor => ({
  dtype: 'float32',
  shape,
  data: new Uint8Array(Float32Array.from(values).buffer),
});

test('identical bytes are bit-identical with max diff 0', () => {
  assert.deepEqual(compareTensors(f32([1, Number.NaN, 3]), f32([1, Number.NaN, 3])), {
    bitIdentical: true,
    maxAbsDiff: 0,
  });
});

test('differences give the largest absolute difference', () => {
  assert.deepEqual(compareTensors(f32([1, 2, 3]), f32([1, 2.5, 1])), { bitIdentical: false, maxAbsDiff: 2 });
  // -0 and +0 differ in bits but not in value
  assert.deepEqual(compareTensors(f32([0]), f32([-0])), { bitIdentical: false, maxAbsDiff: 0 });
});

test('dtype, shape or NaN mismatches are not comparable', () => {
  assert.equal(compareTensors(f32([1, 2]), f32([1, 2], [1, 2])).maxAbsDiff, null);
  const i32: Tensor = { dtype: 'int32', shape: [2], data: new Uint8Array(8) };
  assert.equal(compareTensors(f32([0, 0]), i32).maxAbsDiff, null);
  assert.equal(compareTensors(f32([Number.NaN]), f32([1])).maxAbsDiff, null);
});

test('integer, half and bfloat16 tensors compare by value', () => {
  const i64 = (v: bigint[]): Tensor => ({
    dtype: 'int64',
    shape: [v.length],
    data: new Uint8Array(BigInt64Array.from(v).buffer),
  });
  assert.equal(compareTensors(i64([5n, -7n]), i64([5n, 3n])).maxAbsDiff, 10);
  const half = (bits: number[]): Tensor => ({
    dtype: 'float16',
    shape: [bits.length],
    data: new Uint8Array(Uint16Array.from(bits).buffer),
  });
  assert.equal(compareTensors(half([0x3c00]), half([0x4000])).maxAbsDiff, 1); // 1.0 vs 2.0
  assert.equal(halfToNumber(0x3555), 0.333251953125);
  assert.equal(halfToNumber(0x0001), 2 ** -24);
  assert.equal(halfToNumber(0xfc00), Number.NEGATIVE_INFINITY);
  const bf = (bits: number[]): Tensor => ({
    dtype: 'bfloat16',
    shape: [bits.length],
    data: new Uint8Array(Uint16Array.from(bits).buffer),
  });
  assert.equal(compareTensors(bf([0x3f80]), bf([0x4040])).maxAbsDiff, 2); // 1.0 vs 3.0
});
