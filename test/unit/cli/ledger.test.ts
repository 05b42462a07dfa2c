// Drives the ledger command object directly, so these tests do not depend on other commands.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CliIo } from '../../../node/cli/command.js';
import { ledgerCommand } from '../../../node/cli/commands/ledger.js';
import { isCodedError } from '../../../node/errors.js';

const silent: CliIo = { out: () => {}, err: () => {} };

test('splitup ledger usage documents the options', () => {
  for (const option of [
    '--port',
    '--host',
    '--mint-decimals',
    '--fund',
    '--keys-dir',
    '--program',
    '--no-program',
  ]) {
    assert.ok(ledgerCommand.usage.includes(option), option);
  }
  assert.deepEqual(ledgerCommand.path, ['ledger']);
});

test('bad options fail with LEDGER_BAD_OPTION before anything starts', async () => {
  const cases: [string[], RegExp][] = [
    [['--port', 'http'], /--port must be an integer/],
    [['--port', '70000'], /--port must be an integer/],
    [['--mint-decimals', '19'], /--mint-decimals must be an integer from 0 to 18/],
    [['--fund', 'not-a-key', '--port', '0'], /--fund expects base58 public keys/],
    [['--sol', '1.5', '--port', '0'], /--sol must be a whole number/],
    [['--frobnicate'], /Unknown option/],
  ];
  for (const [args, message] of cases) {
    await assert.rejects(
      ledgerCommand.run(args, silent),
      (err: unknown) => isCodedError(err, 'LEDGER_BAD_OPTION') && message.test(err.message),
      args.join(' '),
    );
  }
});
