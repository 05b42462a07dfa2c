// What a new user sees when a worker cannot get its bundle, through the real CLI: a worker with
// nothing to dial warns at once, says every few seconds that it is still looking for providers,
// and a bundle whose task files are neither local nor published is a coded error, not a stack.
import assert from 'node:assert/strict';
import { copyFile, mkdir, mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { main } from '../../node/cli/main.js';
import { MANIFEST_FILE } from '../../storage/bundle/manifest.js';
import { parallelBundle } from '../unit/engine/tiny-bundles.js';
import { PeerProcess } from './peer-process.js';

const dir = await mkdtemp(join(tmpdir(), 'splitup-e2e-worker-start-'));
const procs: PeerProcess[] = [];

after(async () => {
  for (const p of procs) if (p.child.exitCode === null) p.child.kill('SIGTERM');
  await Promise.all(procs.map((p) => p.exited));
});

test('a worker with no bootstrap peer warns at start and keeps saying it is looking for providers', async () => {
  // A well-formed CID that nobody publishes.
  const cid = 'bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy';
  const worker = new PeerProcess('lonely-worker', [
    '--role',
    'worker',
    '--data-dir',
    join(dir, 'lonely'),
    '--listen',
    '/ip4/127.0.0.1/tcp/0',
    '--bundle',
    cid,
    '--tasks',
    'task-00',
  ]);
  procs.push(worker);
  const warned = await worker.waitFor('node.no_bootstrap', (l) => l.event === 'node.no_bootstrap');
  assert.equal(warned.level, 'warn');
  assert.match(String(warned.hint), /--bootstrap/);
  const first = await worker.waitFor(
    'a provider search line',
    (l) => l.event === 'bundle.looking_for_providers',
  );
  assert.equal(first.level, 'warn');
  assert.equal(first.bundle, cid);
  // Another line follows a few seconds later, with the wait so far and the time left.
  const second = await worker.waitFor(
    'a second provider search line',
    (l) => l.event === 'bundle.looking_for_providers' && l !== first,
  );
  assert.ok((second.waitedS as number) > (first.waitedS as number), JSON.stringify([first, second]));
  assert.ok((second.giveUpInS as number) < (first.giveUpInS as number));
  worker.child.kill('SIGTERM');
  assert.equal(await worker.exited, 0);
});

test('task files neither local nor published fail with a coded error and exit 1, not an internal error', async () => {
  const { dir: bundleDir } = await parallelBundle();
  // Only the manifest (never published: no CIDs), none of the task files.
  const bare = join(dir, 'bare-bundle');
  await mkdir(bare);
  await copyFile(join(bundleDir, MANIFEST_FILE), join(bare, MANIFEST_FILE));
  const manifest = JSON.parse(await readFile(join(bare, MANIFEST_FILE), 'utf8')) as {
    tasks: { cid?: string }[];
  };
  assert.ok(manifest.tasks.every((t) => t.cid === undefined));
  const err: string[] = [];
  const code = await main(
    [
      'node',
      'start',
      '--role',
      'worker',
      '--data-dir',
      join(dir, 'bare-worker'),
      '--listen',
      '/ip4/127.0.0.1/tcp/0',
      '--bundle',
      bare,
      '--tasks',
      'tA',
      '--log-level',
      'error',
    ],
    { out: () => undefined, err: (l) => err.push(l) },
  );
  assert.equal(code, 1, err.join('\n'));
  assert.match(
    err.join('\n'),
    /^error \[BLOCKS_NO_CID\]: task file .* has no CID \(deploy with --publish\)$/,
  );
});
