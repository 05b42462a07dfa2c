import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { CliIo } from '../../../node/cli/command.js';
import { parseRunArgs } from '../../../node/cli/commands/run.js';
import { main } from '../../../node/cli/main.js';
import { outputFileNames } from '../../../node/cli/tensor-files.js';
import { isCodedError } from '../../../node/errors.js';
import { SOURCE_RECORD_FILE } from '../../../node/model/bundle/source-record.js';
import { readNpyFile, writeNpyFile } from '../../../node/tensor/npy-file.js';
import { MANIFEST_FILE } from '../../../storage/bundle/manifest.js';
import {
  f32,
  floatInit,
  floats,
  floatTensor,
  linearBundle,
  modelBytes,
  node,
  parallelBundle,
} from '../engine/tiny-bundles.js';

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

async function inputFile(values: number[], shape: number[]): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'run-in-'));
  const path = join(dir, 'x.npy');
  await writeNpyFile(path, floatTensor(shape, values));
  return path;
}

test('run --check --json: outputs written as .npy and bit-identical to the unsplit model', async () => {
  const { dir } = await linearBundle();
  const x = await inputFile([1, 2, 3, 4, 0.1, 0.2, 0.3, 0.4], [2, 4]);
  const out = join(await mkdtemp(join(tmpdir(), 'run-out-')), 'nested');
  const io = capture();
  const rc = await main(
    ['run', dir, '--input', `x=${x}`, '--out', out, '--check', '--json', '--threads', '1'],
    io,
  );
  assert.equal(rc, 0, io.errText());
  const report = JSON.parse(io.outText());
  assert.equal(report.bitIdentical, true);
  assert.equal(report.check.outputs.out.bitIdentical, true);
  assert.equal(report.check.outputs.out.maxAbsDiff, 0);
  assert.deepEqual(report.check.outputs.out.shape, [2, 3]);
  assert.equal(report.check.outputs.out.dtype, 'float32');
  assert.equal(typeof report.check.splitMs, 'number');
  assert.equal(typeof report.check.wholeMs, 'number');
  const written = await readNpyFile(join(out, 'out.npy'));
  assert.deepEqual(floats(written).slice(0, 3), [14, 16, 18]);
  assert.equal(report.outputs.out.sha256, createHash('sha256').update(written.data).digest('hex'));
});

test('run on two parallel branches prints a text report', async () => {
  const { dir } = await parallelBundle();
  const x = await inputFile([1, 2, 3, 4], [2, 2]);
  const out = await mkdtemp(join(tmpdir(), 'run-out-'));
  const io = capture();
  const rc = await main(['run', dir, '--input', `x=${x}`, '--out', out, '--check', '--repeat', '3'], io);
  assert.equal(rc, 0, io.errText());
  assert.match(io.outText(), /3 tasks in .* \(median of 3 runs\)/);
  assert.match(io.outText(), /every run gave the same bits/);
  assert.match(io.outText(), /out: bit-identical/);
  assert.match(io.outText(), /all outputs bit-identical/);
  assert.deepEqual(floats(await readNpyFile(join(out, 'a.npy'))), [3, 6, 9, 12]);
});

test('run --check reports differences and exits 1 when the split is not bit-identical', async () => {
  const { dir, manifest, sourcePath } = await linearBundle();
  // Replace the recorded source with a model that differs in one weight (re-recording its hash).
  const W = floatInit('W', [4, 3], [1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 1, 1.5]);
  const other = modelBytes({
    nodes: [
      node('Add', ['x', 'one'], ['y']),
      node('Mul', ['y', 'two'], ['z']),
      node('MatMul', ['z', 'W'], ['out']),
    ],
    inputs: [f32('x', ['batch', 4])],
    outputs: [f32('out', ['batch', 3])],
    initializers: [W, floatInit('one', [1], [1]), floatInit('two', [1], [2])],
  });
  await writeFile(sourcePath, other);
  manifest.model.sourceSha256 = createHash('sha256').update(other).digest('hex');
  await writeFile(join(dir, MANIFEST_FILE), JSON.stringify(manifest));
  const x = await inputFile([1, 2, 3, 4], [1, 4]);
  const io = capture();
  const rc = await main(['run', dir, '--input', `x=${x}`, '--out', join(dir, 'o'), '--check', '--json'], io);
  assert.equal(rc, 1);
  const report = JSON.parse(io.outText());
  assert.equal(report.bitIdentical, false);
  assert.equal(report.check.outputs.out.bitIdentical, false);
  assert.equal(report.check.outputs.out.maxAbsDiff, 5); // z[3] = 10, weight 1 vs 1.5
  assert.match(io.errText(), /RUN_CHECK_DIFFERS/);
});

test('run --check refuses a source model that changed since deploy', async () => {
  const { dir, sourcePath } = await linearBundle();
  await writeFile(sourcePath, 'changed');
  const x = await inputFile([1, 2, 3, 4], [1, 4]);
  const io = capture();
  assert.equal(await main(['run', dir, '--input', `x=${x}`, '--out', join(dir, 'o'), '--check'], io), 1);
  assert.match(io.errText(), /ENGINE_SOURCE_CHANGED/);
});

test('run --check on a bundle deployed elsewhere asks for --source, and uses the one given', async () => {
  const { dir, sourcePath } = await linearBundle();
  await rm(join(dir, SOURCE_RECORD_FILE));
  const x = await inputFile([1, 2, 3, 4], [1, 4]);
  const args = ['run', dir, '--input', `x=${x}`, '--out', join(dir, 'o'), '--check', '--json'];
  const missing = capture();
  assert.equal(await main(args, missing), 1);
  assert.match(missing.errText(), /ENGINE_SOURCE_MISSING.*--source <model\.onnx>/);
  const given = capture();
  assert.equal(await main([...args, '--source', sourcePath], given), 0, given.errText());
  assert.equal(JSON.parse(given.outText()).bitIdentical, true);
  const other = capture();
  assert.equal(await main([...args, '--source', x], other), 1);
  assert.match(other.errText(), /ENGINE_SOURCE_CHANGED/);
  const lone = capture();
  assert.equal(
    await main(['run', dir, '--input', `x=${x}`, '--out', join(dir, 'o'), '--source', sourcePath], lone),
    1,
  );
  assert.match(lone.errText(), /CLI_BAD_ARGS.*--source is for --check/);
});

test('run refuses a bundle whose task file changed since deploy', async () => {
  const { dir, manifest } = await linearBundle();
  await writeFile(
    join(dir, manifest.tasks[1]!.file),
    modelBytes({
      nodes: [node('Identity', ['z'], ['out'])],
      inputs: [f32('z', ['batch', 3])],
      outputs: [f32('out', ['batch', 3])],
    }),
  );
  const x = await inputFile([1, 2, 3, 4], [1, 4]);
  const io = capture();
  assert.equal(await main(['run', dir, '--input', `x=${x}`, '--out', join(dir, 'o')], io), 1);
  assert.match(io.errText(), /^error \[BUNDLE_HASH_MISMATCH\]: task 't1'/);
});

test('run: bad arguments and bad inputs fail with typed errors', async () => {
  const { dir } = await linearBundle();
  const x = await inputFile([1, 2, 3, 4], [1, 4]);
  const wrong = await inputFile([1, 2, 3], [1, 3]);
  const cases: [string[], RegExp][] = [
    [['run', dir, '--input', `x=${x}`], /CLI_BAD_ARGS.*--out <dir> is required/],
    [['run', '--out', 'o'], /CLI_BAD_ARGS.*one bundle folder/],
    [['run', dir, '--out', 'o', '--input', 'x'], /CLI_BAD_ARGS.*name=file.npy/],
    [['run', dir, '--out', 'o', '--input', `x=${x}`, '--input', `x=${x}`], /given twice/],
    [['run', dir, '--out', 'o', '--threads', 'two'], /CLI_BAD_ARGS.*--threads/],
    [['run', dir, '--out', 'o', '--repeat', '0'], /CLI_BAD_ARGS.*--repeat/],
    [['run', dir, '--out', 'o', '--frob'], /CLI_BAD_ARGS/],
    [['run', dir, '--out', join(dir, 'o')], /ENGINE_INPUT_MISSING.*'x'/],
    [['run', dir, '--out', join(dir, 'o'), '--input', `x=${x}`, '--input', `y=${x}`], /ENGINE_INPUT_UNKNOWN/],
    [['run', dir, '--out', join(dir, 'o'), '--input', `x=${wrong}`], /ENGINE_INPUT_MISMATCH/],
    [['run', dir, '--out', join(dir, 'o'), '--input', 'x=/nonexistent.npy'], /NPY_READ_FAILED/],
    [['run', join(dir, 'nope'), '--out', 'o', '--input', `x=${x}`], /BUNDLE_FILE_MISSING/],
  ];
  for (const [argv, pattern] of cases) {
    const io = capture();
    assert.equal(await main(argv, io), 1, argv.join(' '));
    assert.match(io.errText(), pattern, argv.join(' '));
  }
  assert.throws(
    () => parseRunArgs([dir, '--out', 'o', '--threads', '0']),
    (e) => isCodedError(e, 'CLI_BAD_ARGS'),
  );
});

test('output names become safe, distinct file names', () => {
  const files = outputFileNames(['logits', 'present/0:key', 'present_0_key', '..', '']);
  assert.deepEqual(
    [...files.values()],
    ['logits.npy', 'present_0_key.npy', 'present_0_key_2.npy', '_.npy', 'output.npy'],
  );
});

test('the splitup binary runs a bundle (worker threads boot without --import tsx)', async () => {
  const { dir } = await linearBundle();
  const x = await inputFile([1, 2, 3, 4], [1, 4]);
  const out = await mkdtemp(join(tmpdir(), 'run-bin-'));
  const r = spawnSync(
    process.execPath,
    ['node/bin/splitup.mjs', 'run', dir, '--input', `x=${x}`, '--out', out, '--check', '--json'],
    {
      encoding: 'utf8',
    },
  );
  assert.equal(r.status, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).bitIdentical, true);
  assert.deepEqual(floats(await readNpyFile(join(out, 'out.npy'))), [14, 16, 18]);
  assert.ok((await readFile(join(out, 'out.npy'))).length > 0);
});
