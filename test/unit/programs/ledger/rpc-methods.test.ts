import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { Keypair, LAMPORTS_PER_SOL, SystemProgram, Transaction } from '@solana/web3.js';
import { LedgerBank } from '../../../../programs/ledger/bank.js';
import { toBase58 } from '../../../../programs/ledger/codec.js';
import { RpcError } from '../../../../programs/ledger/rpc-error.js';
import { createRpcMethods } from '../../../../programs/ledger/rpc-methods.js';

const bank = new LedgerBank({ slotIntervalMs: 0, landingDelayMs: 0 });
const methods = createRpcMethods(bank);
after(() => bank.close());

// biome-ignore lint/suspicious/noExplicitAny: RPC results are JSON checked field by field
function call(method: string, ...params: unknown[]): any {
  const handler = methods[method];
  assert.ok(handler, `no method ${method}`);
  return handler(params);
}

function rpcCode(fn: () => unknown): number {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof RpcError, String(err));
    return err.rpcCode;
  }
  assert.fail('expected an RpcError');
}

function signedTransfer(from: Keypair, to: Keypair, lamports: number): Transaction {
  const tx = new Transaction({
    feePayer: from.publicKey,
    recentBlockhash: bank.latestBlockhash().blockhash,
  }).add(SystemProgram.transfer({ fromPubkey: from.publicKey, toPubkey: to.publicKey, lamports }));
  tx.sign(from);
  return tx;
}

const alice = Keypair.generate();
call('requestAirdrop', alice.publicKey.toBase58(), 100 * LAMPORTS_PER_SOL);

test('sendTransaction takes base58 (the default) and base64 and returns the signature', () => {
  const bob = Keypair.generate();
  const a = signedTransfer(alice, bob, LAMPORTS_PER_SOL);
  const sigA = call('sendTransaction', toBase58(a.serialize()));
  assert.equal(sigA, toBase58(a.signatures[0]?.signature ?? new Uint8Array()));
  const b = signedTransfer(alice, bob, 2 * LAMPORTS_PER_SOL);
  call('sendTransaction', b.serialize().toString('base64'), {
    encoding: 'base64',
    preflightCommitment: 'processed',
  });
  assert.equal(call('getBalance', bob.publicKey.toBase58()).value, 3 * LAMPORTS_PER_SOL);
  assert.equal(
    rpcCode(() => call('sendTransaction', 'abc', { encoding: 'hex' })),
    -32602,
  );
  assert.equal(
    rpcCode(() => call('sendTransaction', '!!!', { encoding: 'base64' })),
    -32602,
  );
});

test('getSignatureStatuses: finalized for landed, null for unknown; at most 256', () => {
  const sig = call(
    'sendTransaction',
    toBase58(signedTransfer(alice, Keypair.generate(), LAMPORTS_PER_SOL).serialize()),
  );
  const unknown = toBase58(new Uint8Array(64).fill(7));
  const { value } = call('getSignatureStatuses', [sig, unknown], { searchTransactionHistory: true });
  assert.equal(value[0].confirmationStatus, 'finalized');
  assert.deepEqual(value[0].status, { Ok: null });
  assert.equal(value[0].err, null);
  assert.equal(value[1], null);
  assert.equal(
    rpcCode(() => call('getSignatureStatuses', new Array(257).fill(unknown))),
    -32602,
  );
});

test('getTransaction in json, jsonParsed and base64; unknown signature is null', () => {
  const bob = Keypair.generate();
  const sig = call('sendTransaction', toBase58(signedTransfer(alice, bob, LAMPORTS_PER_SOL).serialize()));
  const json = call('getTransaction', sig, { maxSupportedTransactionVersion: 0 });
  assert.equal(json.version, 'legacy');
  assert.equal(json.meta.fee, 5000);
  assert.deepEqual(json.meta.status, { Ok: null });
  assert.equal(json.transaction.message.accountKeys[1], bob.publicKey.toBase58());
  assert.equal(json.transaction.signatures[0], sig);
  const parsed = call('getTransaction', sig, { encoding: 'jsonParsed' });
  assert.equal(parsed.version, undefined);
  assert.deepEqual(parsed.transaction.message.accountKeys[0], {
    pubkey: alice.publicKey.toBase58(),
    signer: true,
    writable: true,
    source: 'transaction',
  });
  assert.equal(parsed.transaction.message.instructions[0].programId, SystemProgram.programId.toBase58());
  const b64 = call('getTransaction', sig, { encoding: 'base64' });
  assert.equal(b64.transaction[1], 'base64');
  assert.equal(call('getTransaction', toBase58(new Uint8Array(64).fill(9))), null);
  assert.equal(
    rpcCode(() => call('getTransaction', sig, { encoding: 'xml' })),
    -32602,
  );
});

test('getSignaturesForAddress lists newest first with limit and before', () => {
  const carol = Keypair.generate();
  const s1 = call('sendTransaction', toBase58(signedTransfer(alice, carol, LAMPORTS_PER_SOL).serialize()));
  const s2 = call('sendTransaction', toBase58(signedTransfer(alice, carol, 1_000_000).serialize()));
  const all = call('getSignaturesForAddress', carol.publicKey.toBase58());
  assert.deepEqual(
    all.map((e: { signature: string }) => e.signature),
    [s2, s1],
  );
  assert.deepEqual(
    call('getSignaturesForAddress', carol.publicKey.toBase58(), { limit: 1 }).map(
      (e: { signature: string }) => e.signature,
    ),
    [s2],
  );
  assert.deepEqual(
    call('getSignaturesForAddress', carol.publicKey.toBase58(), { before: s2 }).map(
      (e: { signature: string }) => e.signature,
    ),
    [s1],
  );
});

test('account reads: missing is null, getMultipleAccounts caps at 100, getProgramAccounts withContext', () => {
  assert.equal(
    call('getAccountInfo', Keypair.generate().publicKey.toBase58(), { encoding: 'base64' }).value,
    null,
  );
  const info = call('getAccountInfo', alice.publicKey.toBase58(), { encoding: 'base64' }).value;
  assert.equal(info.owner, SystemProgram.programId.toBase58());
  assert.deepEqual(info.data, ['', 'base64']);
  const many = new Array(101).fill(alice.publicKey.toBase58());
  assert.equal(
    rpcCode(() => call('getMultipleAccounts', many)),
    -32602,
  );
  const withCtx = call('getProgramAccounts', 'BPFLoaderUpgradeab1e11111111111111111111111', {
    withContext: true,
    encoding: 'base64',
  });
  assert.ok(Array.isArray(withCtx.value));
  assert.equal(typeof withCtx.context.slot, 'number');
});

test('params are checked: commitment, minContextSlot, rent length, fee for message', () => {
  assert.equal(
    rpcCode(() => call('getSlot', { commitment: 'eventually' })),
    -32602,
  );
  // Finalized and confirmed see the last ended slot (in SlotHashes); processed the open one.
  assert.equal(call('getSlot', { commitment: 'finalized' }), bank.slot - 1);
  assert.equal(call('getSlot'), bank.slot - 1);
  assert.equal(call('getSlot', { commitment: 'processed' }), bank.slot);
  assert.equal(
    rpcCode(() => call('getBalance', alice.publicKey.toBase58(), { minContextSlot: bank.slot + 1000 })),
    -32016,
  );
  assert.equal(
    rpcCode(() => call('getMinimumBalanceForRentExemption', -1)),
    -32602,
  );
  assert.equal(call('getMinimumBalanceForRentExemption', 0), 890_880);
  const message = signedTransfer(alice, Keypair.generate(), 1)
    .compileMessage()
    .serialize()
    .toString('base64');
  assert.equal(call('getFeeForMessage', message).value, 5000);
  assert.equal(
    rpcCode(() => call('getFeeForMessage', 'AAAA')),
    -32602,
  );
  assert.equal(call('isBlockhashValid', bank.latestBlockhash().blockhash).value, true);
  assert.equal(call('isBlockhashValid', Keypair.generate().publicKey.toBase58()).value, false);
  assert.equal(
    rpcCode(() => call('getTokenAccountBalance', alice.publicKey.toBase58())),
    -32602,
  );
});
