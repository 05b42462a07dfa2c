import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { deployModel } from '../../../../node/model/bundle/deploy-model.js';
import { openBundle } from '../../../../node/model/bundle/open.js';
import { assertValidDag } from '../../../../node/model/dag/index.js';
import { estimateTaskMemory, partition, RUNTIME_MARGIN } from '../../../../node/model/partition/index.js';
import { writeTransformer } from '../../../fixtures/transformer.js';
import { TINY_TRANSFORMER } from '../../../fixtures/transformer-config.js';
import { tempDir } from '../tiny-models.js';

test('a transformer with weights in several external files: KV state bound per task, dims kept symbolic', async () => {
  const generated = writeTransformer(tempDir(), TINY_TRANSFORMER, { maxFileBytes: 128 * 1024 });
  assert.ok(generated.dataFiles.length > 1);
  const out = join(tempDir(), 'bundle');
  const { manifest } = await deployModel({
    modelPath: generated.modelPath,
    outDir: out,
    targetVramBytes: 2 ** 40,
    shapes: ['input_ids=1x16', 'past_sequence_length=0', 'total_sequence_length=16'],
    // A target at 60 % of the one-task estimate (beyond the fixed margin), whatever the margin is.
    partition: (graph) => {
      const oneTask = estimateTaskMemory(
        graph,
        graph.nodes.map((n) => n.index),
      ).totalBytes;
      const targetBytes = RUNTIME_MARGIN.fixedBytes + 0.6 * (oneTask - RUNTIME_MARGIN.fixedBytes);
      return partition(graph, { targetBytes });
    },
    estimate: (graph, nodes) => estimateTaskMemory(graph, nodes),
    validate: assertValidDag,
  });
  assert.ok(manifest.tasks.length >= 2, `${manifest.tasks.length} tasks`);
  const bound = manifest.tasks.flatMap((t) => t.state);
  assert.deepEqual(
    bound.map((s) => `${s.input}>${s.output}`).sort(),
    generated.state.map((s) => `${s.input}>${s.output}`).sort(),
  );
  for (const t of manifest.tasks) {
    for (const s of t.state) {
      assert.ok(t.inputs.some((i) => i.name === s.input) && t.outputs.some((o) => o.name === s.output));
    }
  }
  const past = manifest.model.inputs.find((i) => i.name === 'past_key_values.0.key');
  assert.deepEqual(past?.shape, ['batch_size', TINY_TRANSFORMER.kvHeads, 'past_sequence_length', 16]);
  const files = readdirSync(out).sort();
  assert.ok(files.includes('manifest.json'));
  assert.ok(
    !files.some((f) => f.startsWith('model.onnx_data')),
    'weights are re-cut per task, not copied whole',
  );
  await openBundle(out);
});
