import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isUncommittedError, transactionErrorText } from '../../../../programs/ledger/tx-error.js';

test('instruction errors read as Solana writes them', () => {
  assert.equal(
    transactionErrorText({ InstructionError: [0, { Custom: 6001 }] }),
    'Error processing Instruction 0: custom program error: 0x1771',
  );
  assert.equal(
    transactionErrorText({ InstructionError: [2, 'InvalidAccountData'] }),
    'Error processing Instruction 2: invalid account data',
  );
  assert.equal(
    transactionErrorText({ InsufficientFundsForRent: { account_index: 1 } }),
    'Transaction results in an account (1) with insufficient funds for rent',
  );
  assert.equal(transactionErrorText('BlockhashNotFound'), 'Blockhash not found');
  assert.equal(transactionErrorText('AccountInUse'), 'account in use');
});

test('load-stage errors never land; execution errors do', () => {
  assert.equal(isUncommittedError('BlockhashNotFound'), true);
  assert.equal(isUncommittedError('SignatureFailure'), true);
  assert.equal(isUncommittedError('InsufficientFundsForFee'), true);
  assert.equal(isUncommittedError({ InstructionError: [0, { Custom: 1 }] }), false);
  assert.equal(isUncommittedError({ InsufficientFundsForRent: { account_index: 1 } }), false);
});
