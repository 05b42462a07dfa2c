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
