import assert from 'node:assert/strict';
import { test } from 'node:test';
import { specMismatch } from '../../../../storage/tensors/tensor.js';

const spec = { dtype: 'float32' as const, shape: ['batch', 3, 48] };

test('a tensor fits its spec when the dtype matches and every fixed dim agrees', () => {
  assert.equal(specMismatch(spec, { dtype: 'float32', shape: [1, 3, 48] }), undefined);
  assert.equal(
    specMismatch(spec, { dtype: 'float32', shape: [0, 3, 48] }),
    undefined,
    'a symbolic dim may be 0',
  );
});

test('dtype is reported before shape; rank, fixed dims and bad sizes are shape mismatches', () => {
  assert.equal(specMismatch(spec, { dtype: 'float16', shape: [1, 4, 48] }), 'dtype');
  assert.equal(specMismatch(spec, { dtype: 'float32', shape: [1, 4, 48] }), 'shape');
  assert.equal(specMismatch(spec, { dtype: 'float32', shape: [1, 3] }), 'shape');
  assert.equal(specMismatch(spec, { dtype: 'float32', shape: [1, 3, 48, 1] }), 'shape');
  assert.equal(specMismatch(spec, { dtype: 'float32', shape: [-1, 3, 48] }), 'shape');
  assert.equal(specMismatch(spec, { dtype: 'float32', shape: [1.5, 3, 48] }), 'shape');
});
