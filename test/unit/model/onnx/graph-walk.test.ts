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

test('repeated initializer names in a subgraph (onnxruntime save bug) are reduced to one', async () => {
  const { dedupeInitializers } = await import('../../../../node/model/onnx/dedupe-initializers.js');
  const model = ifModel();
  const then = model.graph?.node[0]?.attribute.find((a) => a.name === 'then_branch')?.g;
  assert.ok(then?.initializer[0]);
  then.initializer.push(then.initializer[0]);
  assert.equal(dedupeInitializers(model.graph ?? then), 1);
  assert.deepEqual(
    then.initializer.map((t) => t.name),
    ['Wt'],
  );
});
