import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { Keypair, LAMPORTS_PER_SOL, SystemProgram, Transaction } from '@solana/web3.js';
import { LedgerBank } from '../../../../programs/ledger/bank.js';
import { toBase58 } from '../../../../programs/ledger/codec.js';
import { RpcError } from '../../../../programs/ledger/rpc-error.js';
import { type SubscriberConnection, SubscriptionHub } from '../../../../programs/ledger/subscriptions.js';

const bank = new LedgerBank({ slotIntervalMs: 0 });
const hub = new SubscriptionHub(bank);
after(() => {
  hub.close();
  bank.close();
});

interface Seen {
  method: string;
  subscription: number;
  // biome-ignore lint/suspicious/noExplicitAny: notification payloads are checked field by field
  result: any;
}

function recorder(): SubscriberConnection & { seen: Seen[] } {
  const seen: Seen[] = [];
  return { seen, notify: (method, subscription, result) => seen.push({ method, subscription, result }) };
}

function funded(): Keypair {
  const key = Keypair.generate();
  bank.requestAirdrop(key.publicKey.toBase58(), BigInt(LAMPORTS_PER_SOL));
  return key;
}

function transfer(from: Keypair, to: Keypair, lamports: number): string {
  const tx = new Transaction({
    feePayer: from.publicKey,
    recentBlockhash: bank.latestBlockhash().blockhash,
  }).add(SystemProgram.transfer({ fromPubkey: from.publicKey, toPubkey: to.publicKey, lamports }));
  tx.sign(from);
  return bank.sendTransaction(tx.serialize());
}

function signedTransfer(
  from: Keypair,
  to: Keypair,
  lamports: number,
): { wire: Uint8Array; signature: string } {
  const tx = new Transaction({
    feePayer: from.publicKey,
    recentBlockhash: bank.latestBlockhash().blockhash,
  }).add(SystemProgram.transfer({ fromPubkey: from.publicKey, toPubkey: to.publicKey, lamports }));
  tx.sign(from);
  return { wire: tx.serialize(), signature: toBase58(tx.signatures[0]?.signature ?? new Uint8Array(0)) };
}

test('account and logs (mentions) subscriptions fire for a transfer that touches them', () => {
  const from = funded();
  const to = Keypair.generate();
  const conn = recorder();
  const m = hub.methodsFor(conn);
  const accountId = m.accountSubscribe?.([
    to.publicKey.toBase58(),
    { encoding: 'base64', commitment: 'confirmed' },
  ]);
  const logsId = m.logsSubscribe?.([{ mentions: [to.publicKey.toBase58()] }]);
  m.logsSubscribe?.([{ mentions: [Keypair.generate().publicKey.toBase58()] }]);
  const signature = transfer(from, to, 3_000_000);
  const account = conn.seen.find((s) => s.method === 'accountNotification');
  assert.equal(account?.subscription, accountId);
  assert.equal(account?.result.value.lamports, 3_000_000);
  assert.deepEqual(account?.result.value.data, ['', 'base64']);
  const logs = conn.seen.filter((s) => s.method === 'logsNotification');
  assert.equal(logs.length, 1);
  assert.equal(logs[0]?.subscription, logsId);
  assert.equal(logs[0]?.result.value.signature, signature);
  assert.equal(logs[0]?.result.value.err, null);
});

test('a signature subscription fires when the transaction lands, then ends', () => {
  const conn = recorder();
  const m = hub.methodsFor(conn);
  const { wire, signature } = signedTransfer(funded(), Keypair.generate(), 1_000_000);
  const id = m.signatureSubscribe?.([signature]);
  assert.equal(bank.sendTransaction(wire), signature);
  const notes = conn.seen.filter((s) => s.method === 'signatureNotification');
  assert.equal(notes.length, 1);
  assert.equal(notes[0]?.subscription, id);
  assert.deepEqual(notes[0]?.result.value, { err: null });
  assert.throws(() => m.signatureUnsubscribe?.([id]), RpcError);
});

test('subscribing to an already-landed signature notifies once, shortly after', async () => {
  const from = funded();
  const signature = transfer(from, Keypair.generate(), 1_000_000);
  const conn = recorder();
  const id = hub.methodsFor(conn).signatureSubscribe?.([signature]);
  assert.equal(conn.seen.length, 0); // never before the subscription id is out
  for (let waited = 0; conn.seen.length === 0 && waited < 10_000; waited += 20) {
    await new Promise((r) => setTimeout(r, 20));
  }
  assert.deepEqual(
    conn.seen.map((s) => [s.method, s.subscription]),
    [['signatureNotification', id]],
  );
});

test('program subscriptions apply filters; slot subscriptions see every slot', () => {
  const conn = recorder();
  const m = hub.methodsFor(conn);
  const system = SystemProgram.programId.toBase58();
  const all = m.programSubscribe?.([system, { encoding: 'base64' }]);
  const none = m.programSubscribe?.([system, { encoding: 'base64', filters: [{ dataSize: 99 }] }]);
  const slots = m.slotSubscribe?.([]);
  const from = funded();
  transfer(from, Keypair.generate(), 1_000_000);
  const program = conn.seen.filter((s) => s.method === 'programNotification');
  assert.ok(program.length >= 2);
  assert.ok(program.every((s) => s.subscription === all));
  assert.ok(!conn.seen.some((s) => s.subscription === none));
  const slot = conn.seen.find((s) => s.method === 'slotNotification');
  assert.equal(slot?.subscription, slots);
  assert.equal(slot?.result.slot, slot?.result.parent + 1);
});

test('unsubscribe removes; bad ids, kinds and params are invalid params; a dropped connection is forgotten', () => {
  const conn = recorder();
  const m = hub.methodsFor(conn);
  const id = m.accountSubscribe?.([Keypair.generate().publicKey.toBase58()]);
  assert.throws(() => m.logsUnsubscribe?.([id]), RpcError);
  assert.equal(m.accountUnsubscribe?.([id]), true);
  assert.throws(() => m.accountUnsubscribe?.([id]), RpcError);
  assert.throws(() => m.accountSubscribe?.(['nope']), RpcError);
  assert.throws(() => m.logsSubscribe?.([{ mentions: [] }]), RpcError);
  assert.throws(() => m.signatureSubscribe?.(['abc']), RpcError);
  const other = recorder();
  const before = hub.size;
  hub.methodsFor(other).slotSubscribe?.([]);
  assert.equal(hub.size, before + 1);
  hub.dropConnection(other);
  assert.equal(hub.size, before);
});
