import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CliIo } from '../../../node/cli/command.js';
import { main } from '../../../node/cli/main.js';

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

test('no arguments prints the command list and exits 0', async () => {
  const io = capture();
  assert.equal(await main([], io), 0);
  assert.match(io.outText(), /^Usage: splitup <command>/);
});

test('an unknown command exits 2 and names the command', async () => {
  const io = capture();
  assert.equal(await main(['frobnicate', 'x'], io), 2);
  assert.match(io.errText(), /unknown command 'frobnicate x'/);
});

test("a group's name lists its commands: with --help on stdout (exit 0), alone on stderr (exit 2)", async () => {
  const help = capture();
  assert.equal(await main(['keys', '--help'], help), 0);
  assert.match(help.outText(), /^Usage: splitup keys <generate\|show>/);
  assert.match(help.outText(), /keys show/);
  const bare = capture();
  assert.equal(await main(['keys'], bare), 2);
  assert.match(bare.errText(), /keys generate/);
  const wrong = capture();
  assert.equal(await main(['keys', 'rotate'], wrong), 2);
  assert.match(wrong.errText(), /unknown command 'keys rotate'/);
});
