// `splitup ledger` as a real process behaves as solana-test-validator does for @solana/web3.js in
// what issue 16 found it did not: address lookup tables, durable nonces advanced with an older
// blockhash, and transactions that land after the HTTP reply (so a subscription made right after
// the reply still gets its notification).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  type AccountInfo,
  AddressLookupTableProgram,
  type Connection,
  Keypair,
  LAMPORTS_PER_SOL,
  NONCE_ACCOUNT_LENGTH,
  NonceAccount,
  type PublicKey,
  SystemProgram,
  sendAndConfirmTransaction,
  Transaction,
  TransactionMessage,
  VersionedTransaction,
} from '@solana/web3.js';
import { createConnection } from '../../node/chain/connection.js';
import { readSolanaKeypair } from '../../programs/ledger/keypair-file.js';
import { type LedgerProcess, startLedgerProcess } from './ledger-process.js';

/** Generous bound for a notification on an idle loopback ledger (a slot is 400 ms). */
const NOTIFICATION_TIMEOUT_MS = 5000;

let ledger: LedgerProcess;
let connection: Connection;
let alice: Keypair;

before(async () => {
  ledger = await startLedgerProcess(['--no-program']);
  connection = createConnection(ledger.ready.rpcUrl, { wsUrl: ledger.ready.wsUrl });
  const [k0] = ledger.ready.keys;
  assert.ok(k0);
  alice = await readSolanaKeypair(k0.path);
});

after(async () => {
  await ledger?.stop();
});

function within<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`no ${what} in ${NOTIFICATION_TIMEOUT_MS} ms`)),
      NOTIFICATION_TIMEOUT_MS,
    );
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Resolves with the first account notification for `pubkey` after this call. */
function nextAccountChange(pubkey: PublicKey): {
  value: Promise<AccountInfo<Buffer>>;
  stop: () => Promise<void>;
} {
  let id: number | undefined;
  const value = new Promise<AccountInfo<Buffer>>((resolve) => {
    id = connection.onAccountChange(pubkey, resolve, { commitment: 'confirmed' });
  });
  return { value, stop: () => connection.removeAccountChangeListener(id as number) };
}

async function rpc(
  method: string,
  params: unknown[],
): Promise<{ result?: unknown; error?: { code: number } }> {
  const res = await fetch(ledger.ready.rpcUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  });
  return (await res.json()) as { result?: unknown; error?: { code: number } };
}

test('an address lookup table made with getSlot() serves a v0 transfer; balances and notifications follow', async () => {
  const recentSlot = await connection.getSlot();
  const [create, table] = AddressLookupTableProgram.createLookupTable({
    authority: alice.publicKey,
    payer: alice.publicKey,
    recentSlot,
  });
  const recipients = [Keypair.generate().publicKey, Keypair.generate().publicKey];
  const extend = AddressLookupTableProgram.extendLookupTable({
    lookupTable: table,
    authority: alice.publicKey,
    payer: alice.publicKey,
    addresses: [SystemProgram.programId, ...recipients],
  });
  await sendAndConfirmTransaction(connection, new Transaction().add(create, extend), [alice]);

  const read = await connection.getAddressLookupTable(table);
  assert.ok(read.value, 'the table exists');
  assert.deepEqual(
    read.value.state.addresses.map((a) => a.toBase58()),
    [SystemProgram.programId, ...recipients].map((a) => a.toBase58()),
  );
  assert.equal(read.value.state.authority?.toBase58(), alice.publicKey.toBase58());

  const [first, second] = recipients as [PublicKey, PublicKey];
  const changed = nextAccountChange(first);
  const { blockhash, lastValidBlockHeight } = await connection.getLatestBlockhash();
  const message = new TransactionMessage({
    payerKey: alice.publicKey,
    recentBlockhash: blockhash,
    instructions: [
      SystemProgram.transfer({ fromPubkey: alice.publicKey, toPubkey: first, lamports: LAMPORTS_PER_SOL }),
      SystemProgram.transfer({
        fromPubkey: alice.publicKey,
        toPubkey: second,
        lamports: 2 * LAMPORTS_PER_SOL,
      }),
    ],
  }).compileToV0Message([read.value]);
  assert.equal(message.addressTableLookups.length, 1, 'the recipients come from the table');
  const tx = new VersionedTransaction(message);
  tx.sign([alice]);
  const signature = await connection.sendTransaction(tx);
  const confirmed = await connection.confirmTransaction({ signature, blockhash, lastValidBlockHeight });
  assert.equal(confirmed.value.err, null);
  assert.equal((await within(changed.value, 'account notification')).lamports, LAMPORTS_PER_SOL);
  await changed.stop();
  assert.equal(await connection.getBalance(first), LAMPORTS_PER_SOL);
  assert.equal(await connection.getBalance(second), 2 * LAMPORTS_PER_SOL);
  const fetched = await connection.getTransaction(signature, { maxSupportedTransactionVersion: 0 });
  assert.deepEqual(
    fetched?.meta?.loadedAddresses?.writable.map((a) => a.toBase58()),
    recipients.map((a) => a.toBase58()),
  );
  assert.deepEqual(fetched?.meta?.postBalances.slice(-2), [LAMPORTS_PER_SOL, 2 * LAMPORTS_PER_SOL]);

  // A slot that never was is refused, as the validator's lookup-table program does.
  const [bad] = AddressLookupTableProgram.createLookupTable({
    authority: alice.publicKey,
    payer: alice.publicKey,
    recentSlot: (await connection.getSlot()) + 1000,
  });
  await assert.rejects(
    sendAndConfirmTransaction(connection, new Transaction().add(bad), [alice]),
    /not a recent slot|custom program error|invalid instruction data/i,
  );
});

test('a durable nonce advances with an older but valid blockhash, to a value from the bank, not the transaction', async () => {
  const nonce = Keypair.generate();
  const lamports = await connection.getMinimumBalanceForRentExemption(NONCE_ACCOUNT_LENGTH);
  const older = (await connection.getLatestBlockhash()).blockhash;
  await sendAndConfirmTransaction(
    connection,
    new Transaction().add(
      SystemProgram.createNonceAccount({
        fromPubkey: alice.publicKey,
        noncePubkey: nonce.publicKey,
        authorizedPubkey: alice.publicKey,
        lamports,
      }),
    ),
    [alice, nonce],
  );
  const readNonce = async () => {
    const info = await connection.getAccountInfo(nonce.publicKey);
    assert.ok(info);
    return NonceAccount.fromAccountData(info.data).nonce;
  };
  const created = await readNonce();
  // The slot moves on; the older blockhash is still valid.
  await new Promise((r) => setTimeout(r, 900));
  assert.equal((await connection.isBlockhashValid(older)).value, true);
  const latest = await connection.getLatestBlockhash();
  for (const recentBlockhash of [older, older, latest.blockhash]) {
    const before = await readNonce();
    const advance = new Transaction({ feePayer: alice.publicKey, recentBlockhash }).add(
      SystemProgram.nonceAdvance({ noncePubkey: nonce.publicKey, authorizedPubkey: alice.publicKey }),
      // A distinct transfer each time, so each advance is its own transaction.
      SystemProgram.transfer({ fromPubkey: alice.publicKey, toPubkey: alice.publicKey, lamports: 0 }),
      SystemProgram.transfer({
        fromPubkey: alice.publicKey,
        toPubkey: Keypair.generate().publicKey,
        lamports: LAMPORTS_PER_SOL / 1000,
      }),
    );
    advance.sign(alice);
    const signature = await connection.sendRawTransaction(advance.serialize());
    const confirmed = await connection.confirmTransaction({ signature, ...latest });
    assert.equal(confirmed.value.err, null);
    const after = await readNonce();
    assert.notEqual(after, before, 'the nonce moved');
    assert.notEqual(after, created);
  }

  // Spending the nonce: a transaction whose recentBlockhash is the stored nonce lands once.
  const stored = await readNonce();
  const spend = new Transaction({
    feePayer: alice.publicKey,
    nonceInfo: {
      nonce: stored,
      nonceInstruction: SystemProgram.nonceAdvance({
        noncePubkey: nonce.publicKey,
        authorizedPubkey: alice.publicKey,
      }),
    },
  }).add(
    SystemProgram.transfer({
      fromPubkey: alice.publicKey,
      toPubkey: Keypair.generate().publicKey,
      lamports: 1_000_000,
    }),
  );
  spend.sign(alice);
  const spent = await connection.sendRawTransaction(spend.serialize());
  const status = await connection.confirmTransaction({ signature: spent, ...latest });
  assert.equal(status.value.err, null);
  assert.notEqual(await readNonce(), stored, 'spending advances the nonce');
});

test('a subscription made right after sendTransaction or requestAirdrop answers still gets its notification', async () => {
  const carol = Keypair.generate();
  const airdrop = await rpc('requestAirdrop', [carol.publicKey.toBase58(), LAMPORTS_PER_SOL]);
  assert.equal(typeof airdrop.result, 'string');
  const funded = nextAccountChange(carol.publicKey);
  const signatureSeen = new Promise((resolve) =>
    connection.onSignature(airdrop.result as string, resolve, 'confirmed'),
  );
  assert.equal((await within(funded.value, 'airdrop account notification')).lamports, LAMPORTS_PER_SOL);
  await within(signatureSeen, 'airdrop signature notification');
  await funded.stop();

  const dave = Keypair.generate();
  const { blockhash, lastValidBlockHeight } = await connection.getLatestBlockhash();
  const tx = new Transaction({ feePayer: alice.publicKey, recentBlockhash: blockhash }).add(
    SystemProgram.transfer({
      fromPubkey: alice.publicKey,
      toPubkey: dave.publicKey,
      lamports: 5 * LAMPORTS_PER_SOL,
    }),
  );
  tx.sign(alice);
  const sent = await rpc('sendTransaction', [tx.serialize().toString('base64'), { encoding: 'base64' }]);
  assert.equal(typeof sent.result, 'string');
  const paid = nextAccountChange(dave.publicKey);
  assert.equal((await within(paid.value, 'transfer account notification')).lamports, 5 * LAMPORTS_PER_SOL);
  await paid.stop();
  // Polling clients and confirmTransaction see it too, once it has landed.
  const confirmed = await connection.confirmTransaction({
    signature: sent.result as string,
    blockhash,
    lastValidBlockHeight,
  });
  assert.equal(confirmed.value.err, null);
  const statuses = await connection.getSignatureStatuses([sent.result as string]);
  assert.equal(statuses.value[0]?.confirmationStatus, 'finalized');
  // The same transaction again is refused, pending or landed.
  const again = await rpc('sendTransaction', [tx.serialize().toString('base64'), { encoding: 'base64' }]);
  assert.equal(again.error?.code, -32002);
});
