// `splitup demo`, the README's main job: the whole local network in one command.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ROOT } from './peer-process.js';

test('splitup demo runs a 3-task model across 3 worker peers and matches the unsplit model bit for bit', async () => {
  const dataDir = join(await mkdtemp(join(tmpdir(), 'splitup-demo-')), 'demo');
  const run = spawnSync(process.execPath, ['node/bin/splitup.mjs', 'demo', '--json', '--data-dir', dataDir], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  assert.equal(run.status, 0, run.stderr);
  const result = JSON.parse(run.stdout) as {
    bundleCid: string;
    workers: { task: string; peerId: string }[];
    check: { bitIdentical: boolean; outputs: Record<string, { bitIdentical: boolean; maxAbsDiff: number }> };
  };
  assert.match(result.bundleCid, /^baf/);
  assert.deepEqual(result.workers.map((w) => w.task).sort(), ['task-00', 'task-01', 'task-02']);
  assert.equal(new Set(result.workers.map((w) => w.peerId)).size, 3, 'one distinct peer per task');
  assert.equal(result.check.bitIdentical, true);
  for (const o of Object.values(result.check.outputs)) assert.equal(o.maxAbsDiff, 0);
});
