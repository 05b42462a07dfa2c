import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildPartitionGraph } from '../../../node/model/build-partition-graph.js';
import { constantsToInitializers } from '../../../node/model/onnx/constants.js';
import type { InferredShapes } from '../../../node/model/shapes/infer.js';
import { detectStateBindings } from '../../../node/model/state-bindings.js';
import { ifModel, mlpModel, WIDTH } from './tiny-models.js';

function shapesFor(names: string[], batch: number): InferredShapes {
  const fixed = new Map(names.map((n) => [n, { dtype: 'float32' as const, shape: [batch, WIDTH] }]));
  return { fixed, symbolic: new Map(), unknown: [], ran: false };
}

test('weights (Constant nodes included), activations and model inputs are sized under the declared shapes', () => {
  const model = mlpModel();
  const graph = model.graph;
  assert.ok(graph);
  constantsToInitializers(graph);
  const { graph: pg, unsized } = buildPartitionGraph(model, shapesFor(['x', 'h1', 'h2', 'h3', 'y'], 4));
  assert.deepEqual(unsized, []);
  assert.equal(pg.nodes.length, 4);
  assert.equal(pg.tensors.get('W1')?.kind, 'weight');
  assert.equal(pg.tensors.get('W1')?.bytes, WIDTH * WIDTH * 4);
  assert.equal(pg.tensors.get('b')?.kind, 'weight');
  assert.equal(pg.tensors.get('x')?.kind, 'model-input');
  assert.equal(pg.tensors.get('h1')?.bytes, 4 * WIDTH * 4);
  assert.equal(pg.tensors.get('y')?.isModelOutput, true);
  assert.deepEqual(pg.tensors.get('h1')?.consumers, [1]);
  assert.equal(pg.nodes[0]?.computeUnits, 2 * 4 * WIDTH * WIDTH);
});

test('an If node lists the outer-scope tensors its branches read as inputs', () => {
  const { graph: pg } = buildPartitionGraph(ifModel(), shapesFor(['x', 'y'], 2));
  assert.deepEqual([...(pg.nodes[0]?.inputs ?? [])].sort(), ['W1', 'cond', 'x']);
  assert.deepEqual(pg.tensors.get('W1')?.consumers, [0]);
});

test('state bindings follow optimum naming and need both halves', () => {
  const found = detectStateBindings(
    ['input_ids', 'past_key_values.0.key', 'past_key_values.0.value', 'past_key_values.1.key'],
    ['logits', 'present.0.key', 'present.0.value'],
  );
  assert.deepEqual(found, [
    { input: 'past_key_values.0.key', output: 'present.0.key' },
    { input: 'past_key_values.0.value', output: 'present.0.value' },
  ]);
});
