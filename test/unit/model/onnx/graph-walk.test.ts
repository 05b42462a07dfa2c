import assert from 'node:assert/strict';
import { test } from 'node:test';
import { constantsToInitializers } from '../../../../node/model/onnx/constants.js';
import { nodeReads } from '../../../../node/model/onnx/graph-walk.js';
import { ifModel, mlpModel } from '../tiny-models.js';

test('an If node reads the outer-scope tensors of its branches', () => {
  const node = ifModel().graph?.node[0];
  assert.ok(node);
  assert.deepEqual(nodeReads(node).sort(), ['W1', 'cond', 'x']);
});

test('Constant nodes become initializers', () => {
  const model = mlpModel();
  const graph = model.graph;
  assert.ok(graph);
  assert.equal(constantsToInitializers(graph), 1);
  assert.ok(graph.initializer.some((t) => t.name === 'b' && t.rawData.length === 64));
  assert.ok(!graph.node.some((n) => n.opType === 'Constant'));
});
