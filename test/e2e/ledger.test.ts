// `splitup ledger` as a real process, driven over RPC and websocket by this test process and by a
// second peer process: the same web3.js / spl-token / anchor code that would talk to devnet.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import {
  createMint,
  getAccount,
  getOrCreateAssociatedTokenAccount,
  mintTo,
  transfer,
} from '@solana/spl-token';
import {
  type AccountInfo,
  type Connection,
  Keypair,
  LAMPORTS_PER_SOL,
  type Logs,
  PublicKey,
  SendTransactionError,
  SystemProgram,
  sendAndConfirmTransaction,
  Transaction,
  TransactionMessage,
  VersionedTransaction,
} from '@solana/web3.js';
import { createConnection, createProvider } from '../../node/chain/connection.js';
import { readSolanaKeypair } from '../../programs/ledger/keypair-file.js';
import { type LedgerProcess, startLedgerProcess } from './ledger-process.js';

const run = promisify(execFile);

let ledger: LedgerProcess;
let connection: Connection;
let alice: Keypair;
let bob: Keypair;

before(async () => {
  ledger = await startLedgerProcess(['--no-program']);
  connection = createConnection(ledger.ready.rpcUrl, { wsUrl: ledger.ready.wsUrl });
  const [k0, k1] = ledger.ready.keys;
  assert.ok(k0 && k1);
  alice = await readSolanaKeypair(k0.path);
  bob = await readSolanaKeypair(k1.path);
});

after(async () => {
  await ledger?.stop();
});

interface RpcReply {
  id: unknown;
  result?: unknown;
  error: { code: number; message: string };
  map<T>(fn: (reply: RpcReply) => T): T[];
}

/** Raw JSON-RPC over fetch; typed loosely on purpose (it also carries batches). */
async function rpc(body: unknown): Promise<{ status: number; json: RpcReply }> {
  const res = await fetch(ledger.ready.rpcUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as RpcReply };
}

function nextNotification<T>(subscribe: (resolve: (value: T) => void) => Promise<number> | number) {
  let id: number | Promise<number> | undefined;
  const value = new Promise<T>((resolve) => {
    id = subscribe(resolve);
  });
  return { value, id: () => id as number | Promise<number> };
}

test('the ready line describes a funded local chain that any client can read', async () => {
  const { ready } = ledger;
  assert.match(ready.rpcUrl, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.equal(ready.programId, null);
  assert.equal(ready.keys.length, 2);
  assert.equal(ready.keys[0]?.pubkey, alice.publicKey.toBase58());
  assert.equal(await connection.getBalance(alice.publicKey), 100 * LAMPORTS_PER_SOL);
  const tokens = await connection.getTokenAccountBalance(new PublicKey(ready.keys[0]?.tokenAccount ?? ''));
  assert.equal(tokens.value.amount, (1_000_000n * 10n ** 6n).toString());
  assert.equal(tokens.value.decimals, 6);
  const version = await connection.getVersion();
  assert.equal(typeof version['solana-core'], 'string');
  const slot = await connection.getSlot();
  const { blockhash, lastValidBlockHeight } = await connection.getLatestBlockhash();
  assert.ok(slot > 0 && blockhash.length > 30 && lastValidBlockHeight > (await connection.getBlockHeight()));
  assert.equal(await connection.getMinimumBalanceForRentExemption(165), 2_039_280);
  const health = await fetch(`${ready.rpcUrl}/health`);
  assert.equal(await health.text(), 'ok');
});

test('a token flow over RPC: new mint, associated accounts, mint, transfer (spl-token, confirmed via websocket)', async () => {
  const mint = await createMint(connection, alice, alice.publicKey, null, 9);
  const aliceAta = await getOrCreateAssociatedTokenAccount(connection, alice, mint, alice.publicKey);
  const bobAta = await getOrCreateAssociatedTokenAccount(connection, alice, mint, bob.publicKey);
  await mintTo(connection, alice, mint, aliceAta.address, alice, 5_000_000_000n);
  const signature = await transfer(
    connection,
    alice,
    aliceAta.address,
    bobAta.address,
    alice,
    1_250_000_000n,
  );
  assert.equal((await getAccount(connection, aliceAta.address)).amount, 3_750_000_000n);
  assert.equal((await getAccount(connection, bobAta.address)).amount, 1_250_000_000n);
  const tx = await connection.getTransaction(signature, { maxSupportedTransactionVersion: 0 });
  assert.ok(tx?.meta);
  assert.equal(tx.meta.err, null);
  assert.equal(tx.meta.fee, 5000);
  assert.ok(
    tx.meta.logMessages?.some((l) =>
      l.startsWith('Program TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA success'),
    ),
  );
  const post = tx.meta.postTokenBalances?.find((b) => b.owner === bob.publicKey.toBase58());
  assert.equal(post?.uiTokenAmount.uiAmountString, '1.25');
  const parsed = await connection.getParsedAccountInfo(bobAta.address);
  const data = parsed.value?.data as { program: string; parsed: { info: { owner: string } } };
  assert.equal(data.program, 'spl-token');
  assert.equal(data.parsed.info.owner, bob.publicKey.toBase58());
  const holders = await connection.getProgramAccounts(
    new PublicKey('TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA'),
    {
      filters: [{ dataSize: 165 }, { memcmp: { offset: 0, bytes: mint.toBase58() } }],
    },
  );
  assert.deepEqual(
    holders.map((h) => h.pubkey.toBase58()).sort(),
    [aliceAta.address.toBase58(), bobAta.address.toBase58()].sort(),
  );
  const [a, b, none] = await connection.getMultipleAccountsInfo([
    aliceAta.address,
    bobAta.address,
    Keypair.generate().publicKey,
  ]);
  assert.ok(a && b);
  assert.equal(none, null);
});

test('a second peer process moves tokens; this process sees it through account and logs subscriptions', async () => {
  const { ready } = ledger;
  const aliceAta = new PublicKey(ready.keys[0]?.tokenAccount ?? '');
  const before = (await getAccount(connection, aliceAta)).amount;
  const account = nextNotification<AccountInfo<Buffer>>((resolve) =>
    connection.onAccountChange(aliceAta, resolve),
  );
  const logs = nextNotification<Logs>((resolve) => connection.onLogs(bob.publicKey, resolve));
  await new Promise((r) => setTimeout(r, 200)); // let both subscriptions reach the ledger
  const { stdout } = await run(process.execPath, [
    '--import',
    'tsx',
    'test/e2e/fixtures/ledger-token-transfer.ts',
    ready.rpcUrl,
    ready.wsUrl,
    ready.keys[1]?.path ?? '',
    ready.mint,
    alice.publicKey.toBase58(),
    '700',
  ]);
  const { signature } = JSON.parse(stdout.trim()) as { signature: string };
  const changed = await account.value;
  const view = new DataView(changed.data.buffer, changed.data.byteOffset + 64, 8);
  assert.equal(view.getBigUint64(0, true), before + 700n);
  const seen = await logs.value;
  assert.equal(seen.signature, signature);
  assert.equal(seen.err, null);
  await connection.removeAccountChangeListener(await account.id());
  await connection.removeOnLogsListener(await logs.id());
  const status = await connection.getSignatureStatus(signature);
  assert.equal(status.value?.confirmationStatus, 'finalized');
});

test('anchor AnchorProvider.sendAndConfirm and a v0 transaction go through the same ledger', async () => {
  const provider = createProvider(connection, alice);
  const carol = Keypair.generate();
  const tx = new Transaction().add(
    SystemProgram.transfer({
      fromPubkey: alice.publicKey,
      toPubkey: carol.publicKey,
      lamports: LAMPORTS_PER_SOL,
    }),
  );
  const signature = await provider.sendAndConfirm(tx);
  assert.equal(await connection.getBalance(carol.publicKey), LAMPORTS_PER_SOL);
  assert.equal((await connection.getTransaction(signature))?.meta?.err, null);

  const { blockhash, lastValidBlockHeight } = await connection.getLatestBlockhash();
  const message = new TransactionMessage({
    payerKey: alice.publicKey,
    recentBlockhash: blockhash,
    instructions: [
      SystemProgram.transfer({ fromPubkey: alice.publicKey, toPubkey: carol.publicKey, lamports: 5000 }),
    ],
  }).compileToV0Message();
  const v0 = new VersionedTransaction(message);
  v0.sign([alice]);
  const v0sig = await connection.sendTransaction(v0);
  const confirmed = await connection.confirmTransaction({
    signature: v0sig,
    blockhash,
    lastValidBlockHeight,
  });
  assert.equal(confirmed.value.err, null);
  const fetched = await connection.getTransaction(v0sig, { maxSupportedTransactionVersion: 0 });
  assert.equal(fetched?.version, 0);
  const legacyClient = await rpc({
    jsonrpc: '2.0',
    id: 1,
    method: 'getTransaction',
    params: [v0sig, { encoding: 'json' }],
  });
  assert.equal(legacyClient.json.error.code, -32015);
});

test('an airdrop over RPC returns a signature that confirms', async () => {
  const dave = Keypair.generate();
  const signature = await connection.requestAirdrop(dave.publicKey, 3 * LAMPORTS_PER_SOL);
  const { blockhash, lastValidBlockHeight } = await connection.getLatestBlockhash();
  await connection.confirmTransaction({ signature, blockhash, lastValidBlockHeight });
  assert.equal(await connection.getBalance(dave.publicKey), 3 * LAMPORTS_PER_SOL);
});

test('a failing transaction is refused at preflight with -32002 and its logs; nothing changes', async () => {
  const before = await connection.getBalance(bob.publicKey);
  const tx = new Transaction().add(
    SystemProgram.transfer({
      fromPubkey: bob.publicKey,
      toPubkey: alice.publicKey,
      lamports: 10_000 * LAMPORTS_PER_SOL,
    }),
  );
  await assert.rejects(sendAndConfirmTransaction(connection, tx, [bob]), (err: unknown) => {
    assert.ok(err instanceof SendTransactionError);
    assert.match(err.message, /custom program error: 0x1/);
    assert.ok(err.logs?.some((l) => l.includes('insufficient lamports')));
    return true;
  });
  assert.equal(await connection.getBalance(bob.publicKey), before);
});

test('bad requests get JSON-RPC errors and leave the chain unchanged', async () => {
  const before = await connection.getBalance(alice.publicKey);
  assert.equal((await rpc('{not json')).json.error.code, -32700);
  assert.equal((await rpc({ jsonrpc: '2.0', id: 1 })).json.error.code, -32600);
  assert.equal((await rpc({ jsonrpc: '2.0', id: 1, method: 'getEverything' })).json.error.code, -32601);
  assert.equal(
    (await rpc({ jsonrpc: '2.0', id: 1, method: 'getBalance', params: ['not-a-key'] })).json.error.code,
    -32602,
  );
  assert.equal(
    (
      await rpc({
        jsonrpc: '2.0',
        id: 1,
        method: 'getAccountInfo',
        params: [alice.publicKey.toBase58(), { encoding: 'base64+zstd' }],
      })
    ).json.error.code,
    -32602,
  );
  const garbage = await rpc({
    jsonrpc: '2.0',
    id: 1,
    method: 'sendTransaction',
    params: [Buffer.from('definitely not a transaction').toString('base64'), { encoding: 'base64' }],
  });
  assert.equal(garbage.json.error.code, -32602);
  assert.match(garbage.json.error.message, /invalid transaction/);
  const batch = await rpc([
    { jsonrpc: '2.0', id: 1, method: 'getHealth' },
    { jsonrpc: '2.0', id: 2, method: 'nope' },
  ]);
  assert.deepEqual(
    batch.json.map((r) => r.id),
    [1, 2],
  );
  assert.equal((await fetch(ledger.ready.rpcUrl)).status, 405);
  assert.equal(await connection.getBalance(alice.publicKey), before);
});

test('SIGTERM shuts the ledger down gracefully', async () => {
  const other = await startLedgerProcess(['--no-program', '--keys', '0']);
  const client = createConnection(other.ready.rpcUrl, { wsUrl: other.ready.wsUrl });
  assert.ok((await client.getSlot()) > 0);
  const { code, lines } = await other.stop();
  assert.equal(code, 0);
  assert.equal(JSON.parse(lines.at(-1) ?? '{}').event, 'stopped');
});
