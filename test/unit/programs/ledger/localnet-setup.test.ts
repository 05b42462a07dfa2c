import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { getAssociatedTokenAddressSync } from '@solana/spl-token';
import { Keypair, PublicKey } from '@solana/web3.js';
import { LedgerBank } from '../../../../programs/ledger/bank.js';
import { setupLocalnet } from '../../../../programs/ledger/localnet-setup.js';
import { readMintDecimals, readTokenAccount } from '../../../../programs/ledger/token-balances.js';

const banks: LedgerBank[] = [];
after(() => {
  for (const b of banks) b.close();
});

function freshBank(): LedgerBank {
  const bank = new LedgerBank({ slotIntervalMs: 0 });
  banks.push(bank);
  return bank;
}

const extra = Keypair.generate().publicKey.toBase58();
const options = (keysDir: string) => ({
  keysDir,
  keyCount: 2,
  mintDecimals: 3,
  lamportsPerKey: 1_500n * 1_000_000_000n,
  tokensPerKey: 42_000n,
  fund: [extra],
});

test('setup creates the mint, funds local keys and --fund pubkeys with SOL and tokens', async () => {
  const keysDir = mkdtempSync(join(tmpdir(), 'ledger-setup-'));
  const bank = freshBank();
  const setup = await setupLocalnet(bank, options(keysDir));
  assert.equal(readMintDecimals(bank.getAccount(setup.mint)?.data), 3);
  assert.equal(setup.keys.length, 2);
  for (const key of [...setup.keys, ...setup.funded]) {
    assert.equal(bank.getAccount(key.pubkey)?.lamports, 1_500n * 1_000_000_000n); // over one airdrop's cap
    const ata = getAssociatedTokenAddressSync(
      new PublicKey(setup.mint),
      new PublicKey(key.pubkey),
      true,
    ).toBase58();
    assert.equal(key.tokenAccount, ata);
    const token = bank.getAccount(ata);
    assert.ok(token);
    assert.equal(readTokenAccount(token.owner, token.data)?.amount, 42_000n);
  }
  assert.equal(setup.funded[0]?.pubkey, extra);
  // Solana CLI format: a JSON array of 64 bytes whose second half is the public key.
  const bytes = JSON.parse(readFileSync(setup.keys[0]?.path ?? '', 'utf8')) as number[];
  assert.equal(bytes.length, 64);
  assert.equal(new PublicKey(Uint8Array.from(bytes.slice(32))).toBase58(), setup.keys[0]?.pubkey);
});

test('a second start on the same keys dir reuses the keys and the mint address', async () => {
  const keysDir = mkdtempSync(join(tmpdir(), 'ledger-setup-'));
  const first = await setupLocalnet(freshBank(), options(keysDir));
  const second = await setupLocalnet(freshBank(), options(keysDir));
  assert.equal(second.mint, first.mint);
  assert.deepEqual(
    second.keys.map((k) => k.pubkey),
    first.keys.map((k) => k.pubkey),
  );
  assert.equal(second.mintAuthority.pubkey, first.mintAuthority.pubkey);
});
