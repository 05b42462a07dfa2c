import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { deployModel } from '../../../node/model/bundle/deploy-model.js';
import { declaredInputShapes, measureBundleMemory } from '../../../scripts/lib/measure-memory.js';
import { contiguousPartition, countingEstimate } from '../model/partitions.js';
import { externalMlpModel, tempDir, writeModel } from '../model/tiny-models.js';

test('each task is measured in its own process and compared with its estimate', async () => {
  const { model, weights } = externalMlpModel('weights.bin');
  const out = join(tempDir(), 'bundle');
  const { manifest } = await deployModel({
    modelPath: writeModel(model, { 'weights.bin': weights }),
    outDir: out,
    targetVramBytes: 1000,
    shapes: ['x=2x16'],
    partition: (g) => contiguousPartition(g, 2),
    estimate: countingEstimate,
  });
  assert.deepEqual(declaredInputShapes(manifest).get('x'), [2, 16]);
  const rows = await measureBundleMemory(out);
  assert.deepEqual(
    rows.map((r) => r.task),
    manifest.tasks.map((t) => t.id),
  );
  for (const r of rows) {
    assert.ok(r.measuredBytes > 0 && r.runtimeBaselineBytes > 0);
    assert.equal(r.ratio, r.estimateBytes / r.measuredBytes);
  }
});
