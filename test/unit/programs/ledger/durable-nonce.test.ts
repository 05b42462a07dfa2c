import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import {
  Keypair,
  LAMPORTS_PER_SOL,
  NONCE_ACCOUNT_LENGTH,
  NonceAccount,
  SystemProgram,
  Transaction,
} from '@solana/web3.js';
import { LedgerBank } from '../../../../programs/ledger/bank.js';
import { toBase58 } from '../../../../programs/ledger/codec.js';
import { durableNonceFrom } from '../../../../programs/ledger/durable-nonce.js';

const bank = new LedgerBank({ slotIntervalMs: 0, landingDelayMs: 0 });
after(() => bank.close());

const payer = Keypair.generate();
bank.requestAirdrop(payer.publicKey.toBase58(), 10n * BigInt(LAMPORTS_PER_SOL));

function stored(nonce: Keypair): string {
  const data = bank.getAccount(nonce.publicKey.toBase58())?.data;
  assert.ok(data);
  return NonceAccount.fromAccountData(Buffer.from(data)).nonce;
}

test('a nonce derives from the bank blockhash it lands under, and advances again with an older hash', () => {
  const nonce = Keypair.generate();
  const older = bank.latestBlockhash().blockhash;
  bank.advanceSlot();
  const create = new Transaction({ feePayer: payer.publicKey, recentBlockhash: older }).add(
    SystemProgram.createNonceAccount({
      fromPubkey: payer.publicKey,
      noncePubkey: nonce.publicKey,
      authorizedPubkey: payer.publicKey,
      lamports: bank.minimumBalanceForRentExemption(NONCE_ACCOUNT_LENGTH),
    }),
  );
  create.sign(payer, nonce);
  const landedUnder = bank.latestBlockhash().blockhash;
  bank.sendTransaction(create.serialize());
  assert.equal(stored(nonce), toBase58(durableNonceFrom(landedUnder)), 'from the bank, not the transaction');
  assert.notEqual(stored(nonce), toBase58(durableNonceFrom(older)));

  for (const round of [1, 2]) {
    const before = stored(nonce);
    const under = bank.latestBlockhash().blockhash;
    const advance = new Transaction({ feePayer: payer.publicKey, recentBlockhash: older }).add(
      SystemProgram.nonceAdvance({ noncePubkey: nonce.publicKey, authorizedPubkey: payer.publicKey }),
      SystemProgram.transfer({ fromPubkey: payer.publicKey, toPubkey: payer.publicKey, lamports: round }),
    );
    advance.sign(payer);
    bank.sendTransaction(advance.serialize());
    assert.notEqual(stored(nonce), before);
    assert.equal(stored(nonce), toBase58(durableNonceFrom(under)));
  }

  // A durable-nonce transaction must carry the stored nonce; any other is an unknown blockhash.
  const wrong = new Transaction({
    feePayer: payer.publicKey,
    recentBlockhash: toBase58(durableNonceFrom(older)),
  }).add(SystemProgram.nonceAdvance({ noncePubkey: nonce.publicKey, authorizedPubkey: payer.publicKey }));
  wrong.sign(payer);
  assert.throws(() => bank.sendTransaction(wrong.serialize()), /Blockhash not found/);
  const right = new Transaction({ feePayer: payer.publicKey, recentBlockhash: stored(nonce) }).add(
    SystemProgram.nonceAdvance({ noncePubkey: nonce.publicKey, authorizedPubkey: payer.publicKey }),
  );
  right.sign(payer);
  const spent = stored(nonce);
  bank.sendTransaction(right.serialize());
  assert.notEqual(stored(nonce), spent);
});

test('a failed advance leaves the stored nonce as it was', () => {
  const nonce = Keypair.generate();
  const create = new Transaction({
    feePayer: payer.publicKey,
    recentBlockhash: bank.latestBlockhash().blockhash,
  }).add(
    SystemProgram.createNonceAccount({
      fromPubkey: payer.publicKey,
      noncePubkey: nonce.publicKey,
      authorizedPubkey: payer.publicKey,
      lamports: bank.minimumBalanceForRentExemption(NONCE_ACCOUNT_LENGTH),
    }),
  );
  create.sign(payer, nonce);
  bank.sendTransaction(create.serialize());
  const before = stored(nonce);
  const stranger = Keypair.generate();
  bank.requestAirdrop(stranger.publicKey.toBase58(), BigInt(LAMPORTS_PER_SOL));
  const advance = new Transaction({
    feePayer: stranger.publicKey,
    recentBlockhash: bank.latestBlockhash().blockhash,
  }).add(SystemProgram.nonceAdvance({ noncePubkey: nonce.publicKey, authorizedPubkey: stranger.publicKey }));
  advance.sign(stranger);
  assert.throws(() => bank.sendTransaction(advance.serialize()));
  assert.equal(stored(nonce), before);
});
