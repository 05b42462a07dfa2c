import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isCodedError } from '../../../../node/errors.js';
import { parseShapeDeclarations } from '../../../../node/model/shapes/declare.js';
import { resolveInputShapes } from '../../../../node/model/shapes/input-shapes.js';
import { DataType, makeGraph, makeNode, makeValueInfo } from '../../../fixtures/onnx-build.js';

const decl = (...t: string[]) => parseShapeDeclarations(t);

/** Two inputs sharing the symbol `batch`, one with its own `past`. */
const graph = makeGraph({
  nodes: [makeNode('Concat', ['a', 'p'], ['y'], { attributes: [] })],
  inputs: [
    makeValueInfo('a', DataType.FLOAT, ['batch', 4]),
    makeValueInfo('p', DataType.FLOAT, ['batch', 'past']),
  ],
  outputs: [makeValueInfo('y', DataType.FLOAT, ['batch', '?'])],
});

test('a tensor declaration binds its symbols for every input; a dim can be named alone', () => {
  const r = resolveInputShapes(graph, decl('a=2x4', 'past=7'));
  assert.deepEqual(r.shapes.get('p'), [2, 7]);
  assert.equal(r.symbols.get('batch'), 2);
});

test('malformed declarations are SHAPE_DECLARATION_INVALID', () => {
  for (const bad of ['a', 'a=', 'a=2x', 'a=2*4', '=3', 'a=-1']) {
    assert.throws(
      () => decl(bad),
      (e) => isCodedError(e, 'SHAPE_DECLARATION_INVALID') && e.message.includes(bad),
      bad,
    );
  }
  assert.throws(
    () => decl('a=1', 'a=2'),
    (e) => isCodedError(e, 'SHAPE_DECLARATION_INVALID'),
  );
});

test('wrong rank, a clash with a fixed dim, conflicting symbols and unknown names are SHAPE_DECLARATION_INVALID', () => {
  const cases: [string[], RegExp][] = [
    [['a=2x4x1'], /rank 2/],
    [['a=2x5'], /fixed size 4/],
    [['a=2x4', 'p=3x1'], /'batch' is 2 .* and 3/],
    [['nosuch=3'], /neither a model input nor a symbolic dimension/],
  ];
  for (const [texts, pattern] of cases) {
    assert.throws(
      () => resolveInputShapes(graph, decl(...texts)),
      (e) => isCodedError(e, 'SHAPE_DECLARATION_INVALID') && pattern.test(e.message),
      texts.join(' '),
    );
  }
});

test('dims nobody declared are SHAPE_UNKNOWN, each named', () => {
  assert.throws(
    () => resolveInputShapes(graph, decl('a=2x4')),
    (e) =>
      isCodedError(e, 'SHAPE_UNKNOWN') &&
      e.message.includes("p [batch, past]: 'past'") &&
      !e.message.includes('a [batch'),
  );
});
