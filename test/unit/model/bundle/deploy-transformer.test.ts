import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { deployModel } from '../../../../node/model/bundle/deploy-model.js';
import { readBundle } from '../../../../node/model/bundle/read.js';
import { assertValidDag } from '../../../../node/model/dag/index.js';
import { estimateTaskMemory, partition } from '../../../../node/model/partition/index.js';
import { writeTransformer } from '../../../fixtures/transformer.js';
import { TINY_TRANSFORMER } from '../../../fixtures/transformer-config.js';
import { tempDir } from '../tiny-models.js';

test('a transformer with weights in several external files: KV state bound per task, dims kept symbolic', async () => {
  const generated = writeTransformer(tempDir(), TINY_TRANSFORMER, { maxFileBytes: 128 * 1024 });
  assert.ok(generated.dataFiles.length > 1);
  const out = join(tempDir(), 'bundle');
  const target = 16 * 2 ** 20 + 400 * 1024; // the 16 MiB runtime margin plus part of the ~0.5 MB of weights
  const { manifest } = await deployModel({
    modelPath: generated.modelPath,
    outDir: out,
    targetVramBytes: target,
    shapes: ['input_ids=1x16', 'past_sequence_length=0', 'total_sequence_length=16'],
    partition: (graph, targetBytes) => partition(graph, { targetBytes }),
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
  readBundle(out);
});
