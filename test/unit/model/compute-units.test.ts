import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FALLBACK_UNITS, nodeComputeUnits } from '../../../node/model/compute-units.js';
import { attr, makeNode } from '../../fixtures/onnx-build.js';

const shapes: Record<string, number[]> = {
  a: [2, 8, 16],
  w: [16, 32],
  mm: [2, 8, 32],
  img: [1, 3, 10, 10],
  k: [4, 3, 3, 3],
  conv: [1, 4, 8, 8],
  dk: [3, 1, 3, 3],
  dconv: [1, 3, 8, 8],
};
const shapeOf = (n: string) => shapes[n];

test('MatMul is 2 x M x N x K', () => {
  assert.equal(nodeComputeUnits(makeNode('MatMul', ['a', 'w'], ['mm']), shapeOf), 2 * 2 * 8 * 32 * 16);
});

test('Conv is 2 x output elements x C_in/group x kernel area; depthwise uses the weight dim 1', () => {
  assert.equal(nodeComputeUnits(makeNode('Conv', ['img', 'k'], ['conv']), shapeOf), 2 * 4 * 64 * 3 * 9);
  const dw = makeNode('Conv', ['img', 'dk'], ['dconv'], { attributes: [attr.int('group', 3)] });
  assert.equal(nodeComputeUnits(dw, shapeOf), 2 * 3 * 64 * 1 * 9);
});

test('elementwise counts output elements, reshapes are free, softmax is multi-pass', () => {
  assert.equal(nodeComputeUnits(makeNode('Relu', ['mm'], ['mm']), shapeOf), 2 * 8 * 32);
  assert.equal(nodeComputeUnits(makeNode('Reshape', ['mm', 'w'], ['a']), shapeOf), 0);
  assert.equal(nodeComputeUnits(makeNode('Softmax', ['mm'], ['mm']), shapeOf), 5 * 2 * 8 * 32);
});

test('an unknown shape falls back to FALLBACK_UNITS, deterministically', () => {
  assert.equal(nodeComputeUnits(makeNode('Add', ['zz', 'zz'], ['qq']), shapeOf), FALLBACK_UNITS);
});
