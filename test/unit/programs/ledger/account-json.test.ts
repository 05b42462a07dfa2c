import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  accountJson,
  matchesFilters,
  parseDataSlice,
  parseEncoding,
  parseFilters,
} from '../../../../programs/ledger/account-json.js';
import type { AccountState } from '../../../../programs/ledger/bank.js';
import { toBase58 } from '../../../../programs/ledger/codec.js';
import { RpcError } from '../../../../programs/ledger/rpc-error.js';
import { uiAmountString } from '../../../../programs/ledger/token-balances.js';

const account: AccountState = {
  lamports: 1_000_000n,
  owner: '11111111111111111111111111111111',
  data: Uint8Array.from([1, 2, 3, 4, 5]),
  executable: false,
};

function invalid(fn: () => unknown): void {
  assert.throws(fn, (err: unknown) => err instanceof RpcError && err.rpcCode === -32602);
}

test('account data in base64, base58 and the legacy bare base58', () => {
  assert.deepEqual(accountJson(account, 'base64').data, ['AQIDBAU=', 'base64']);
  assert.deepEqual(accountJson(account, 'base58').data, [toBase58(account.data), 'base58']);
  assert.equal(accountJson(account, 'binary').data, toBase58(account.data));
  const json = accountJson(account, 'base64');
  assert.equal(json.lamports, 1_000_000);
  assert.equal(json.space, 5);
  assert.equal(json.executable, false);
});

test('dataSlice cuts the data; jsonParsed of a non-token account falls back to base64', () => {
  assert.deepEqual(accountJson(account, 'base64', { offset: 1, length: 2 }).data, ['AgM=', 'base64']);
  assert.deepEqual(accountJson(account, 'jsonParsed').data, ['AQIDBAU=', 'base64']);
});

test('base58 over 128 bytes, zstd and unknown encodings are invalid params', () => {
  invalid(() => accountJson({ ...account, data: new Uint8Array(200) }, 'base58'));
  invalid(() => parseEncoding('base64+zstd', 'base64'));
  invalid(() => parseEncoding('hex', 'base64'));
  assert.equal(parseEncoding(undefined, 'base64'), 'base64');
  invalid(() => parseDataSlice({ offset: -1, length: 2 }));
});

test('memcmp (base58 and base64) and dataSize filters', () => {
  const filters = parseFilters([
    { memcmp: { offset: 1, bytes: toBase58(Uint8Array.from([2, 3])) } },
    { dataSize: 5 },
  ]);
  assert.equal(matchesFilters(account.data, filters), true);
  assert.equal(
    matchesFilters(
      account.data,
      parseFilters([{ memcmp: { offset: 0, bytes: 'AgM=', encoding: 'base64' } }]),
    ),
    false,
  );
  assert.equal(
    matchesFilters(
      account.data,
      parseFilters([{ memcmp: { offset: 4, bytes: toBase58(Uint8Array.from([5, 6])) } }]),
    ),
    false,
  );
  assert.equal(matchesFilters(account.data, parseFilters([{ dataSize: 4 }])), false);
  invalid(() => parseFilters([{ memcmp: { offset: 0, bytes: '0OIl' } }]));
  invalid(() => parseFilters([{ bogus: 1 }]));
  invalid(() => parseFilters('nope'));
});

test('token amounts render with their decimals', () => {
  assert.equal(uiAmountString(1_500_000n, 6), '1.5');
  assert.equal(uiAmountString(5n, 6), '0.000005');
  assert.equal(uiAmountString(0n, 6), '0');
  assert.equal(uiAmountString(42n, 0), '42');
});
