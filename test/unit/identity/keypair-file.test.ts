import assert from 'node:assert/strict';
import { mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { CliIo } from '../../../node/cli/command.js';
import { main } from '../../../node/cli/main.js';
import { isCodedError } from '../../../node/errors.js';
import { generateIdentity } from '../../../node/identity/identity.js';
import {
  loadOrCreateKeypairFile,
  readKeypairFile,
  writeKeypairFile,
} from '../../../node/identity/keypair-file.js';

const dir = await mkdtemp(join(tmpdir(), 'splitup-keys-'));

function capture(): CliIo & { lines: string[]; errors: string[] } {
  const lines: string[] = [];
  const errors: string[] = [];
  return { out: (l) => lines.push(l), err: (l) => errors.push(l), lines, errors };
}

test('a written keypair file is a 64-number JSON array, private to its owner, and reads back', async () => {
  const path = join(dir, 'a.json');
  const identity = await generateIdentity();
  await writeKeypairFile(path, identity);
  const json = JSON.parse(await readFile(path, 'utf8')) as number[];
  assert.equal(json.length, 64);
  assert.equal((await stat(path)).mode & 0o777, 0o600);
  const back = await readKeypairFile(path);
  assert.equal(back.peerId.toString(), identity.peerId.toString());
});

test('writing over an existing keypair fails with KEYPAIR_EXISTS unless overwrite is set', async () => {
  const path = join(dir, 'b.json');
  await writeKeypairFile(path, await generateIdentity());
  await assert.rejects(writeKeypairFile(path, await generateIdentity()), (e) =>
    isCodedError(e, 'KEYPAIR_EXISTS'),
  );
  const replacement = await generateIdentity();
  await writeKeypairFile(path, replacement, true);
  assert.equal((await readKeypairFile(path)).address, replacement.address);
});

test('missing, non-JSON and wrongly shaped files fail with typed errors', async () => {
  await assert.rejects(readKeypairFile(join(dir, 'none.json')), (e) => isCodedError(e, 'KEYPAIR_NOT_FOUND'));
  await writeFile(join(dir, 'text.json'), 'not json');
  await assert.rejects(readKeypairFile(join(dir, 'text.json')), (e) => isCodedError(e, 'KEYPAIR_INVALID'));
  await writeFile(join(dir, 'short.json'), JSON.stringify([1, 2, 3]));
  await assert.rejects(readKeypairFile(join(dir, 'short.json')), (e) => isCodedError(e, 'KEYPAIR_INVALID'));
  await writeFile(join(dir, 'range.json'), JSON.stringify(new Array(64).fill(256)));
  await assert.rejects(readKeypairFile(join(dir, 'range.json')), (e) => isCodedError(e, 'KEYPAIR_INVALID'));
});

test('loadOrCreateKeypairFile creates once, then reuses the same key', async () => {
  const path = join(dir, 'nested', 'c.json');
  const first = await loadOrCreateKeypairFile(path, generateIdentity);
  const second = await loadOrCreateKeypairFile(path, generateIdentity);
  assert.equal(first.created, true);
  assert.equal(second.created, false);
  assert.equal(first.identity.peerId.toString(), second.identity.peerId.toString());
});

test('`keys generate` then `keys show` print the same PeerId and Solana address', async () => {
  const path = join(dir, 'cli.json');
  const gen = capture();
  assert.equal(await main(['keys', 'generate', '--keypair', path, '--json'], gen), 0);
  const show = capture();
  assert.equal(await main(['keys', 'show', '--keypair', path, '--json'], show), 0);
  const a = JSON.parse(gen.lines[0] ?? '');
  const b = JSON.parse(show.lines[0] ?? '');
  assert.deepEqual(a, b);
  assert.match(a.peerId, /^12D3KooW/);
  const human = capture();
  assert.equal(await main(['keys', 'show', '--keypair', path], human), 0);
  assert.ok(human.lines.some((l) => l.includes(a.peerId)));
  assert.ok(human.lines.some((l) => l.includes(a.address)));
});

test('`keys` commands report bad arguments and existing files with codes and exit 1', async () => {
  const io = capture();
  assert.equal(await main(['keys', 'show'], io), 1);
  assert.match(io.errors.join('\n'), /CLI_BAD_ARGS.*--keypair/);
  const again = capture();
  await writeKeypairFile(join(dir, 'd.json'), await generateIdentity());
  assert.equal(await main(['keys', 'generate', '--keypair', join(dir, 'd.json')], again), 1);
  assert.match(again.errors.join('\n'), /KEYPAIR_EXISTS/);
  const missing = capture();
  assert.equal(await main(['keys', 'show', '--keypair', join(dir, 'nope.json')], missing), 1);
  assert.match(missing.errors.join('\n'), /KEYPAIR_NOT_FOUND/);
});
