import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { Keypair, LAMPORTS_PER_SOL, SystemProgram, Transaction } from '@solana/web3.js';
import { type BankEvent, LedgerBank } from '../../../../programs/ledger/bank.js';
import { RpcError } from '../../../../programs/ledger/rpc-error.js';

// Slots advance only per transaction here, so nothing depends on wall-clock time.
const bank = new LedgerBank({ slotIntervalMs: 0 });
after(() => bank.close());

function transfer(
  from: Keypair,
  to: Keypair,
  lamports: number | bigint,
  blockhash = bank.latestBlockhash().blockhash,
) {
  const tx = new Transaction({ feePayer: from.publicKey, recentBlockhash: blockhash }).add(
    SystemProgram.transfer({ fromPubkey: from.publicKey, toPubkey: to.publicKey, lamports }),
  );
  tx.sign(from);
  return tx.serialize();
}

function funded(sol = 10): Keypair {
  const key = Keypair.generate();
  bank.requestAirdrop(key.publicKey.toBase58(), BigInt(sol * LAMPORTS_PER_SOL));
  return key;
}

function balance(key: Keypair): bigint {
  return bank.getAccount(key.publicKey.toBase58())?.lamports ?? 0n;
}

function rpcError(fn: () => unknown): RpcError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof RpcError, `expected RpcError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected an RpcError');
}

test('an airdrop is a real transfer that lands in history and confirms', () => {
  const key = Keypair.generate();
  const signature = bank.requestAirdrop(key.publicKey.toBase58(), 2n * BigInt(LAMPORTS_PER_SOL));
  assert.equal(balance(key), 2n * BigInt(LAMPORTS_PER_SOL));
  assert.deepEqual(bank.getSignatureStatus(signature)?.err, null);
});

test('a transfer lands with fee, balances, logs; slot and blockhash advance', () => {
  const from = funded();
  const to = Keypair.generate();
  const slotBefore = bank.slot;
  const hashBefore = bank.latestBlockhash().blockhash;
  const fromBefore = balance(from);
  const signature = bank.sendTransaction(transfer(from, to, LAMPORTS_PER_SOL));
  const record = bank.history.get(signature);
  assert.ok(record);
  assert.equal(record.err, null);
  assert.equal(record.fee, 5000);
  assert.equal(record.slot, slotBefore);
  assert.equal(bank.slot, slotBefore + 1);
  assert.notEqual(bank.latestBlockhash().blockhash, hashBefore);
  assert.equal(balance(to), BigInt(LAMPORTS_PER_SOL));
  assert.equal(balance(from), fromBefore - BigInt(LAMPORTS_PER_SOL) - 5000n);
  assert.deepEqual(record.accountKeys.slice(0, 2), [from.publicKey.toBase58(), to.publicKey.toBase58()]);
  assert.equal(record.preBalances[0], Number(fromBefore));
  assert.equal(record.postBalances[1], LAMPORTS_PER_SOL);
  assert.match(record.logs.join('\n'), /Program 11111111111111111111111111111111 success/);
});

test('a failing transaction with preflight is rejected with -32002 and simulation logs; chain unchanged', () => {
  const from = funded(1);
  const to = Keypair.generate();
  const before = balance(from);
  const slot = bank.slot;
  const wire = transfer(from, to, 5n * BigInt(LAMPORTS_PER_SOL));
  const err = rpcError(() => bank.sendTransaction(wire));
  assert.equal(err.rpcCode, -32002);
  assert.equal(err.code, 'LEDGER_TX_PREFLIGHT_FAILURE');
  assert.match(
    err.message,
    /Transaction simulation failed: Error processing Instruction 0: custom program error: 0x1/,
  );
  const data = err.data as { err: unknown; logs: string[] };
  assert.deepEqual(data.err, { InstructionError: [0, { Custom: 1 }] });
  assert.ok(data.logs.some((l) => l.includes('insufficient lamports')));
  assert.equal(balance(from), before);
  assert.equal(bank.slot, slot);
});

test('with skipPreflight a failing transaction lands: fee charged, error recorded', () => {
  const from = funded(1);
  const to = Keypair.generate();
  const before = balance(from);
  const signature = bank.sendTransaction(transfer(from, to, 5n * BigInt(LAMPORTS_PER_SOL)), {
    skipPreflight: true,
  });
  assert.deepEqual(bank.getSignatureStatus(signature)?.err, { InstructionError: [0, { Custom: 1 }] });
  assert.equal(balance(from), before - 5000n);
  assert.equal(balance(to), 0n);
});

test('malformed bytes are invalid params and change nothing', () => {
  const slot = bank.slot;
  const count = bank.history.size;
  for (const bytes of [new Uint8Array([1, 2, 3]), new Uint8Array(0), new Uint8Array(2000)]) {
    const err = rpcError(() => bank.sendTransaction(bytes));
    assert.equal(err.rpcCode, -32602);
    assert.match(err.message, /invalid transaction/);
  }
  const from = funded(1);
  const good = transfer(from, Keypair.generate(), 1_000_000);
  const truncated = good.subarray(0, good.length - 3);
  assert.equal(rpcError(() => bank.sendTransaction(truncated)).rpcCode, -32602);
  assert.equal(bank.history.size, count + 1); // only the airdrop
  assert.equal(bank.slot, slot + 1);
});

test('a tampered signature is a signature verification failure (-32003) with or without preflight', () => {
  const from = funded(1);
  const wire = new Uint8Array(transfer(from, Keypair.generate(), 1_000_000));
  wire[5] = (wire[5] ?? 0) ^ 1;
  const before = balance(from);
  assert.equal(rpcError(() => bank.sendTransaction(wire)).rpcCode, -32003);
  assert.equal(rpcError(() => bank.sendTransaction(wire, { skipPreflight: true })).rpcCode, -32003);
  assert.equal(balance(from), before);
});

test('the same transaction twice is AlreadyProcessed; an unknown blockhash is BlockhashNotFound', () => {
  const from = funded(1);
  const wire = transfer(from, Keypair.generate(), 1_000_000);
  bank.sendTransaction(wire);
  const dup = rpcError(() => bank.sendTransaction(wire));
  assert.equal(dup.rpcCode, -32002);
  assert.deepEqual((dup.data as { err: unknown }).err, 'AlreadyProcessed');
  const stale = transfer(from, Keypair.generate(), 1_000_000, Keypair.generate().publicKey.toBase58());
  const err = rpcError(() => bank.sendTransaction(stale, { skipPreflight: true }));
  assert.equal(err.rpcCode, -32002);
  assert.deepEqual((err.data as { err: unknown }).err, 'BlockhashNotFound');
  assert.match(err.message, /Blockhash not found/);
});

test('a blockhash stays valid across later slots', () => {
  const from = funded(1);
  const { blockhash } = bank.latestBlockhash();
  for (let i = 0; i < 5; i++) bank.advanceSlot();
  assert.equal(bank.isBlockhashValid(blockhash), true);
  const signature = bank.sendTransaction(transfer(from, Keypair.generate(), 1_000_000, blockhash));
  assert.equal(bank.getSignatureStatus(signature)?.err, null);
});

test('simulation reports logs and units without changing state; sigVerify off accepts unsigned', () => {
  const from = funded(1);
  const to = Keypair.generate();
  const tx = new Transaction({
    feePayer: from.publicKey,
    recentBlockhash: bank.latestBlockhash().blockhash,
  }).add(SystemProgram.transfer({ fromPubkey: from.publicKey, toPubkey: to.publicKey, lamports: 1_000_000 }));
  const unsigned = tx.serialize({ requireAllSignatures: false, verifySignatures: false });
  const before = balance(from);
  const result = bank.simulateTransaction(unsigned, { addresses: [to.publicKey.toBase58()] });
  assert.equal(result.err, null);
  assert.ok(result.unitsConsumed > 0);
  assert.equal(result.accounts?.[0]?.lamports, 1_000_000n);
  assert.equal(balance(from), before);
  assert.equal(balance(to), 0n);
  assert.equal(bank.simulateTransaction(unsigned, { sigVerify: true }).err, 'SignatureFailure');
});

test('replaceRecentBlockhash simulates a transaction whose blockhash is unknown', () => {
  const from = funded(1);
  const wire = transfer(from, Keypair.generate(), 1_000_000, Keypair.generate().publicKey.toBase58());
  assert.equal(bank.simulateTransaction(wire).err, 'BlockhashNotFound');
  const replaced = bank.simulateTransaction(wire, { replaceRecentBlockhash: true });
  assert.equal(replaced.err, null);
  assert.equal(replaced.replacementBlockhash?.blockhash, bank.latestBlockhash().blockhash);
});

test('a landed transaction emits transaction and account events for the accounts it changed', () => {
  const from = funded(1);
  const to = Keypair.generate();
  const events: BankEvent[] = [];
  const off = bank.onEvent((e) => events.push(e));
  const signature = bank.sendTransaction(transfer(from, to, 2_000_000));
  off();
  const tx = events.find((e) => e.type === 'transaction');
  assert.equal(tx?.type === 'transaction' && tx.record.signature, signature);
  const changed = events.filter((e) => e.type === 'account').map((e) => e.type === 'account' && e.pubkey);
  assert.deepEqual(changed.sort(), [from.publicKey.toBase58(), to.publicKey.toBase58()].sort());
  assert.ok(events.some((e) => e.type === 'slot'));
});

test('airdrop amounts outside 1..1000 SOL are invalid params', () => {
  const who = Keypair.generate().publicKey.toBase58();
  assert.equal(rpcError(() => bank.requestAirdrop(who, 0n)).rpcCode, -32602);
  assert.equal(rpcError(() => bank.requestAirdrop(who, 2000n * BigInt(LAMPORTS_PER_SOL))).rpcCode, -32602);
});

test('the SlotHashes sysvar gets a fresh hash for every ended slot, newest first, 512 at most', () => {
  const read = () => {
    const data = bank.getAccount('SysvarS1otHashes111111111111111111111111111')!.data;
    const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
    const count = Number(view.getBigUint64(0, true));
    return Array.from({ length: count }, (_, i) => ({
      slot: Number(view.getBigUint64(8 + i * 40, true)),
      hash: Buffer.from(data.subarray(16 + i * 40, 48 + i * 40)).toString('hex'),
    }));
  };
  const start = bank.slot;
  for (let i = 0; i < 3; i++) bank.advanceSlot();
  const three = read();
  assert.deepEqual(
    three.slice(0, 3).map((e) => e.slot),
    [start + 2, start + 1, start],
  );
  assert.equal(new Set(three.map((e) => e.hash)).size, three.length, 'every slot has its own hash');
  for (let i = 0; i < 520; i++) bank.advanceSlot();
  const full = read();
  assert.equal(full.length, 512);
  assert.equal(full[0]!.slot, bank.slot - 1);
  assert.equal(full[511]!.slot, bank.slot - 512);
  assert.equal(new Set(full.map((e) => e.hash)).size, 512);
});
