// The ledger's own Solana CLI keypair files: created owner-only, read back identically, readable
// by node/identity (one format for peers and chain), and refused with a LEDGER_ code when wrong.
import assert from 'node:assert/strict';
import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Keypair } from '@solana/web3.js';
import { readKeypairFile } from '../../../../node/identity/keypair-file.js';
import { loadOrCreateSolanaKeypair, readSolanaKeypair } from '../../../../programs/ledger/keypair-file.js';
import { isCodedError } from '../../../../storage/errors/index.js';

const dir = mkdtempSync(join(tmpdir(), 'splitup-ledger-keys-'));

test('a missing file is created (0600, nested folder) and the same key is read back', async () => {
  const path = join(dir, 'nested', 'key.json');
  const created = await loadOrCreateSolanaKeypair(path);
  assert.equal(statSync(path).mode & 0o777, 0o600);
  const again = await loadOrCreateSolanaKeypair(path);
  assert.equal(again.publicKey.toBase58(), created.publicKey.toBase58());
  assert.deepEqual((await readSolanaKeypair(path)).secretKey, created.secretKey);
  // The peers' identity module reads the same file as the same key.
  const identity = await readKeypairFile(path);
  assert.deepEqual(Uint8Array.from(identity.publicKey), created.publicKey.toBytes());
});

test('wrong files are refused with LEDGER_KEYPAIR_ codes, never replaced', async () => {
  const missing = join(dir, 'missing.json');
  await assert.rejects(readSolanaKeypair(missing), (e) => isCodedError(e, 'LEDGER_KEYPAIR_NOT_FOUND'));
  const cases: [string, string][] = [
    ['not-json.json', 'not json'],
    ['short.json', JSON.stringify([1, 2, 3])],
    ['bad-byte.json', JSON.stringify(Array.from({ length: 64 }, () => 256))],
    [
      'mismatch.json',
      JSON.stringify([
        ...Keypair.generate().secretKey.subarray(0, 32),
        ...Keypair.generate().publicKey.toBytes(),
      ]),
    ],
  ];
  for (const [name, text] of cases) {
    const path = join(dir, name);
    writeFileSync(path, text);
    await assert.rejects(readSolanaKeypair(path), (e) => isCodedError(e, 'LEDGER_KEYPAIR_MALFORMED'), name);
    await assert.rejects(loadOrCreateSolanaKeypair(path), (e) => isCodedError(e, 'LEDGER_KEYPAIR_MALFORMED'));
  }
});
