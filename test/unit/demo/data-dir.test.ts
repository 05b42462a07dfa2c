// `splitup demo --data-dir`: the demo wipes only a folder it made.
import assert from 'node:assert/strict';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { main } from '../../../node/cli/main.js';
import { DEMO_MARKER_FILE, prepareDemoDataDir } from '../../../node/demo/data-dir.js';
import { isCodedError } from '../../../node/errors.js';

const temp = () => mkdtempSync(join(tmpdir(), 'splitup-demo-dir-'));

test('splitup demo --data-dir <a folder it did not make> is refused and the folder is left as it was', async () => {
  const dir = temp();
  writeFileSync(join(dir, 'precious.txt'), 'keep me');
  mkdirSync(join(dir, '.git'));
  const err: string[] = [];
  const status = await main(['demo', '--data-dir', dir], { out: () => {}, err: (l) => err.push(l) });
  assert.equal(status, 1);
  assert.match(err.join('\n'), /^error \[DEMO_DATA_DIR_NOT_EMPTY\]: .*did not make it/);
  assert.equal(readFileSync(join(dir, 'precious.txt'), 'utf8'), 'keep me');
  assert.deepEqual(readdirSync(dir).sort(), ['.git', 'precious.txt']);
});

test('a folder the demo made is wiped and marked again; a new or empty folder is taken and marked', async () => {
  const made = join(temp(), 'new', 'demo');
  assert.equal(await prepareDemoDataDir(made), made);
  assert.deepEqual(readdirSync(made), [DEMO_MARKER_FILE]);
  writeFileSync(join(made, 'left-by-last-run'), 'x');
  await prepareDemoDataDir(made);
  assert.deepEqual(readdirSync(made), [DEMO_MARKER_FILE]);
  const empty = temp();
  await prepareDemoDataDir(empty);
  assert.ok(existsSync(join(empty, DEMO_MARKER_FILE)));
});

test('a file or a link as --data-dir is refused', async () => {
  const dir = temp();
  const file = join(dir, 'file');
  writeFileSync(file, 'x');
  await assert.rejects(prepareDemoDataDir(file), (e) => isCodedError(e, 'DEMO_DATA_DIR_NOT_A_FOLDER'));
  const marked = join(dir, 'marked');
  await prepareDemoDataDir(marked);
  const link = join(dir, 'link');
  symlinkSync(marked, link);
  await assert.rejects(prepareDemoDataDir(link), (e) => isCodedError(e, 'DEMO_DATA_DIR_NOT_A_FOLDER'));
  assert.ok(existsSync(join(marked, DEMO_MARKER_FILE)), 'nothing behind the link was touched');
  assert.equal(readFileSync(file, 'utf8'), 'x');
});
