import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import * as ort from 'onnxruntime-node';
import { isCodedError } from '../../../../node/errors.js';
import { deployModel } from '../../../../node/model/bundle/deploy-model.js';
import { openBundle } from '../../../../node/model/bundle/open.js';
import { readSourceRecord, SOURCE_RECORD_FILE } from '../../../../node/model/bundle/source-record.js';
import { MODEL_ENDPOINT } from '../../../../storage/bundle/manifest.js';
import { runChain, runWhole, sameBits } from '../chain.js';
import { contiguousPartition, countingEstimate } from '../partitions.js';
import { externalMlpModel, ifModel, seeded, tempDir, WIDTH, writeModel } from '../tiny-models.js';

const x = () => new ort.Tensor('float32', Float32Array.from(seeded(2 * WIDTH, 9)), [2, WIDTH]);

async function deployMlp(tasks: number) {
  const { model, weights } = externalMlpModel('weights.bin');
  const out = join(tempDir(), 'bundle');
  const modelPath = writeModel(model, { 'weights.bin': weights });
  const result = await deployModel({
    modelPath,
    outDir: out,
    targetVramBytes: 1000,
    shapes: ['x=2x16'],
    partition: (g) => contiguousPartition(g, tasks),
    estimate: countingEstimate,
  });
  return { out, manifest: result.manifest, modelPath };
}

test('a 3-task bundle of an external-data model: manifest, weights per task, bit-identical chain', async () => {
  const { out, manifest } = await deployMlp(3);
  assert.equal(manifest.tasks.length, 3);
  assert.deepEqual(manifest.model.inputs, [{ name: 'x', dtype: 'float32', shape: ['batch', WIDTH] }]);
  assert.deepEqual(manifest.model.declaredShapes, { x: [2, 16] });
  assert.equal(manifest.runtime.graphOptimizationLevel, 'basic');
  const first = manifest.tasks[0];
  assert.ok(first);
  assert.equal(first.inputs[0]?.name, 'x');
  assert.equal(first.weights.length, 1, 'W1 (1 KiB) goes to the task weights file');
  assert.ok(manifest.tasks.every((t) => t.computeUnits > 0 || t.nodeCount > 0));
  assert.deepEqual(manifest.connections[0], {
    from: { task: MODEL_ENDPOINT, tensor: 'x' },
    to: { task: first.id, tensor: 'x' },
  });
  assert.ok(manifest.connections.some((c) => c.to.task === MODEL_ENDPOINT && c.to.tensor === 'y'));
  assert.deepEqual((await openBundle(out)).manifest.tasks.length, 3);
  const whole = await runWhole(out, manifest, { x: x() });
  const chain = await runChain(out, manifest, { x: x() });
  assert.ok(sameBits(whole.y as ort.Tensor, chain.get('y') as ort.Tensor));
});

test('a changed task file or weights file is BUNDLE_HASH_MISMATCH', async () => {
  const { out, manifest } = await deployMlp(2);
  const t = manifest.tasks[0];
  assert.ok(t?.weights[0]);
  const wpath = join(out, t.weights[0].file);
  const bytes = readFileSync(wpath);
  bytes[10] = (bytes[10] as number) ^ 1;
  writeFileSync(wpath, bytes);
  await assert.rejects(
    openBundle(out),
    (e) => isCodedError(e, 'BUNDLE_HASH_MISMATCH') && e.message.includes(t.weights[0]?.file ?? '?'),
  );
});

test('a manifest naming a file outside the bundle is EXTERNAL_DATA_ESCAPE; a missing one BUNDLE_FILE_MISSING', async () => {
  const { out } = await deployMlp(2);
  const path = join(out, 'manifest.json');
  const original = readFileSync(path, 'utf8');
  const m = JSON.parse(original);
  m.tasks[0].file = '../elsewhere.onnx';
  writeFileSync(path, JSON.stringify(m));
  await assert.rejects(openBundle(out), (e) => isCodedError(e, 'EXTERNAL_DATA_ESCAPE'));
  m.tasks[0].file = 'gone.onnx';
  writeFileSync(path, JSON.stringify(m));
  await assert.rejects(openBundle(out), (e) => isCodedError(e, 'BUNDLE_FILE_MISSING'));
  writeFileSync(path, JSON.stringify({ ...m, schema: 'other/9' }));
  await assert.rejects(openBundle(out), (e) => isCodedError(e, 'BUNDLE_MANIFEST_INVALID'));
});

test('an If whose branch reads an outer weight: the task carries the weight and runs', async () => {
  const out = join(tempDir(), 'bundle');
  const { manifest } = await deployModel({
    modelPath: writeModel(ifModel()),
    outDir: out,
    targetVramBytes: 1000,
    shapes: ['x=2x16'],
    partition: (g) => contiguousPartition(g, 1),
    estimate: countingEstimate,
  });
  assert.equal(manifest.tasks[0]?.weights.length, 1);
  const taskBytes = readFileSync(join(out, manifest.tasks[0]?.file ?? '?'));
  assert.ok(
    !taskBytes.includes('optimized.weights'),
    'subgraph weights are moved into the task weights file',
  );
  assert.equal((await openBundle(out)).manifest.tasks.length, 1);
  const feeds = { cond: new ort.Tensor('bool', Uint8Array.from([1]), []), x: x() };
  const whole = await runWhole(out, manifest, feeds);
  const chain = await runChain(out, manifest, feeds);
  assert.ok(sameBits(whole.y as ort.Tensor, chain.get('y') as ort.Tensor));
});

test('a task over the target is PARTITION_TASK_OVER_BUDGET; a non-empty out folder is OUT_DIR_NOT_EMPTY', async () => {
  const { model, weights } = externalMlpModel('weights.bin');
  const modelPath = writeModel(model, { 'weights.bin': weights });
  const base = {
    modelPath,
    shapes: ['x=2x16'],
    partition: (g: Parameters<typeof contiguousPartition>[0]) => contiguousPartition(g, 1),
    estimate: countingEstimate,
  };
  await assert.rejects(deployModel({ ...base, outDir: join(tempDir(), 'b'), targetVramBytes: 1 }), (e) =>
    isCodedError(e, 'PARTITION_TASK_OVER_BUDGET'),
  );
  const full = tempDir();
  writeFileSync(join(full, 'keep.txt'), 'x');
  await assert.rejects(deployModel({ ...base, outDir: full, targetVramBytes: 100 }), (e) =>
    isCodedError(e, 'OUT_DIR_NOT_EMPTY'),
  );
  await assert.rejects(
    deployModel({ ...base, outDir: full, targetVramBytes: 100, overwrite: true }),
    (e) => isCodedError(e, 'OUT_DIR_NOT_EMPTY') && /replaces only a bundle folder/.test(e.message),
  );
  assert.equal(readFileSync(join(full, 'keep.txt'), 'utf8'), 'x');
  await assert.rejects(
    deployModel({ ...base, outDir: dirname(modelPath), targetVramBytes: 100, overwrite: true }),
    (e) => isCodedError(e, 'OUT_DIR_CONTAINS_MODEL'),
  );
  const bundle = join(tempDir(), 'bundle');
  await deployModel({ ...base, outDir: bundle, targetVramBytes: 100 });
  await deployModel({ ...base, outDir: bundle, targetVramBytes: 100, overwrite: true });
  assert.equal((await openBundle(bundle)).manifest.tasks.length, 1, '--force replaces an earlier bundle');
});

test('a model with a foreign operator is refused before anything is written', async () => {
  const { mlpModel } = await import('../tiny-models.js');
  const modelPath = writeModel(mlpModel({ customOp: { domain: 'ai.custom', opType: 'Evil' } }));
  await assert.rejects(
    deployModel({
      modelPath,
      outDir: join(tempDir(), 'b'),
      targetVramBytes: 100,
      shapes: ['x=2x16'],
      partition: (g) => contiguousPartition(g, 1),
      estimate: countingEstimate,
    }),
    (e) => isCodedError(e, 'MODEL_FOREIGN_OPERATOR'),
  );
});

test('a plan that puts a node in two tasks or in none is PLAN_INVALID', async () => {
  const { model, weights } = externalMlpModel('weights.bin');
  const modelPath = writeModel(model, { 'weights.bin': weights });
  const base = { modelPath, targetVramBytes: 100, shapes: ['x=2x16'], estimate: countingEstimate };
  await assert.rejects(
    deployModel({
      ...base,
      outDir: join(tempDir(), 'b'),
      partition: () => ({ tasks: [{ nodes: [0, 1] }, { nodes: [1, 2, 3] }], cutBytes: 0 }),
    }),
    (e) => isCodedError(e, 'PARTITION_BAD_PLAN') && /two tasks/.test(e.message),
  );
  await assert.rejects(
    deployModel({
      ...base,
      outDir: join(tempDir(), 'b'),
      partition: () => ({ tasks: [{ nodes: [0, 1] }], cutBytes: 0 }),
    }),
    (e) => isCodedError(e, 'PARTITION_BAD_PLAN') && /in no task/.test(e.message),
  );
});

test('a well-formed protobuf that onnxruntime rejects is MODEL_INVALID', async () => {
  const { mlpModel } = await import('../tiny-models.js');
  const model = mlpModel();
  const relu = model.graph?.node.find((n) => n.opType === 'Relu');
  assert.ok(relu);
  relu.opType = 'NoSuchStandardOp';
  await assert.rejects(
    deployModel({
      modelPath: writeModel(model),
      outDir: join(tempDir(), 'b'),
      targetVramBytes: 100,
      shapes: ['x=2x16'],
      partition: (g) => contiguousPartition(g, 1),
      estimate: countingEstimate,
    }),
    (e) => isCodedError(e, 'MODEL_INVALID') && e.message.includes('onnxruntime cannot load'),
  );
});

test("the manifest holds no path of the deployer's; the source model is recorded beside it, locally", async () => {
  const { out, modelPath } = await deployMlp(2);
  const text = readFileSync(join(out, 'manifest.json'), 'utf8');
  assert.ok(!text.includes(dirname(modelPath)), `manifest.json names the deployer's folder:\n${text}`);
  assert.ok(!('sourcePath' in JSON.parse(text).model));
  assert.equal(readSourceRecord(out), modelPath);
  const listed = (await openBundle(out)).manifest.tasks.flatMap((t) => [
    t.file,
    ...t.weights.map((w) => w.file),
  ]);
  assert.ok(
    !listed.includes(SOURCE_RECORD_FILE),
    'the record is not a bundle file, so publishing leaves it out',
  );
});
