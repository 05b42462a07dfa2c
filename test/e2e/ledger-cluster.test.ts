// `splitup ledger` as a real process answers the cluster and block methods agave serves (issue 16),
// read through @solana/web3.js as a client does: one local validator (the ledger's identity) with
// its vote account, leading every slot; blocks from the ledger's own history.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  type Connection,
  Keypair,
  LAMPORTS_PER_SOL,
  PublicKey,
  SystemProgram,
  sendAndConfirmTransaction,
  Transaction,
  TransactionMessage,
  VersionedTransaction,
} from '@solana/web3.js';
import { createConnection } from '../../node/chain/connection.js';
import { MAX_BLOCKS_RANGE, MAX_SLOT_LEADERS } from '../../programs/ledger/constants.js';
import { readSolanaKeypair } from '../../programs/ledger/keypair-file.js';
import { type LedgerProcess, startLedgerProcess } from './ledger-process.js';

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

async function rpc(method: string, params: unknown[] = []) {
  const res = await fetch(ledger.ready.rpcUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  });
  // biome-ignore lint/suspicious/noExplicitAny: raw JSON-RPC replies, read loosely by each test
  return (await res.json()) as { result?: any; error?: { code: number; message: string } };
}

test('one validator, the same everywhere: identity, leader, cluster node, vote account, block producer', async () => {
  const identity = (await rpc('getIdentity')).result.identity as string;
  assert.equal(await connection.getSlotLeader(), identity);
  const slot = await connection.getSlot();
  const leaders = await connection.getSlotLeaders(slot, 10);
  assert.equal(leaders.length, 10);
  assert.ok(leaders.every((l) => l.toBase58() === identity));
  const schedule = await connection.getLeaderSchedule();
  assert.deepEqual(Object.keys(schedule), [identity]);
  const epoch = await connection.getEpochInfo();
  assert.equal(schedule[identity]?.length, epoch.slotsInEpoch);
  assert.ok(schedule[identity]?.includes(epoch.slotIndex));

  const [node, ...others] = await connection.getClusterNodes();
  assert.equal(others.length, 0);
  assert.equal(node?.pubkey, identity);
  assert.equal(node?.rpc, new URL(ledger.ready.rpcUrl).host);
  assert.equal(node?.version, (await connection.getVersion())['solana-core']);

  const votes = await connection.getVoteAccounts();
  assert.equal(votes.delinquent.length, 0);
  const [vote] = votes.current;
  assert.ok(vote);
  assert.equal(vote.nodePubkey, identity);
  assert.ok(vote.activatedStake > 0);
  const voteAccount = await connection.getAccountInfo(new PublicKey(vote.votePubkey));
  assert.equal(voteAccount?.owner.toBase58(), 'Vote111111111111111111111111111111111111111');
  assert.equal(
    (await connection.getVoteAccounts()).current.length,
    1,
    'asked twice, the same one vote account',
  );
  const filtered = await rpc('getVoteAccounts', [{ votePubkey: Keypair.generate().publicKey.toBase58() }]);
  assert.deepEqual(filtered.result, { current: [], delinquent: [] });

  const production = await connection.getBlockProduction();
  const { firstSlot, lastSlot } = production.value.range;
  assert.equal(firstSlot, await connection.getMinimumLedgerSlot(), 'from the ledger first slot (epoch 0)');
  assert.ok(lastSlot >= slot);
  const [leaderSlots, produced] = production.value.byIdentity[identity] ?? [];
  assert.equal(leaderSlots, lastSlot - firstSlot + 1);
  assert.equal(produced, leaderSlots, 'every slot of this ledger made a block');
  // Block height counts blocks after the first: consistent with the range.
  const height = await connection.getBlockHeight('confirmed');
  assert.ok(Math.abs(height - (lastSlot - firstSlot)) <= 2);
  assert.equal(await connection.getFirstAvailableBlock(), firstSlot);
  const ranged = await connection.getBlockProduction({ range: { firstSlot, lastSlot: firstSlot + 1 } });
  assert.deepEqual(ranged.value.byIdentity[identity], [2, 2]);
  assert.deepEqual(ranged.value.range, { firstSlot, lastSlot: firstSlot + 1 });
});

test('inflation, supply, largest accounts, stake minimum and performance samples have agave shapes', async () => {
  const governor = await connection.getInflationGovernor();
  assert.deepEqual(governor, {
    initial: 0.08,
    terminal: 0.015,
    taper: 0.15,
    foundation: 0.05,
    foundationTerm: 7,
  });
  const rate = await connection.getInflationRate();
  assert.equal(rate.epoch, (await connection.getEpochInfo()).epoch);
  assert.ok(Math.abs(rate.total - (rate.validator + rate.foundation)) < 1e-12);
  assert.ok(rate.total <= governor.initial && rate.total >= governor.terminal);

  const supply = await connection.getSupply();
  assert.ok(supply.value.total > 0);
  assert.equal(supply.value.circulating, supply.value.total);
  assert.equal(supply.value.nonCirculating, 0);
  assert.deepEqual(supply.value.nonCirculatingAccounts, []);
  const largest = await connection.getLargestAccounts();
  assert.ok(largest.value.length > 0 && largest.value.length <= 20);
  const lamports = largest.value.map((a) => a.lamports);
  assert.deepEqual(
    lamports,
    [...lamports].sort((a, b) => b - a),
    'largest first',
  );
  assert.ok(
    largest.value.some((a) => a.address.equals(alice.publicKey)),
    'a funded key is among them',
  );
  assert.ok(lamports.reduce((s, l) => s + l, 0) <= supply.value.total);
  assert.deepEqual((await connection.getLargestAccounts({ filter: 'nonCirculating' })).value, []);

  const minimum = await connection.getStakeMinimumDelegation();
  assert.ok(Number.isSafeInteger(minimum.value) && minimum.value >= 1);
  const samples = await connection.getRecentPerformanceSamples(5);
  assert.ok(Array.isArray(samples) && samples.length <= 5);
});

test('bad params are -32602 and bounds hold', async () => {
  const bad = async (method: string, params: unknown[]) => {
    const reply = await rpc(method, params);
    assert.equal(reply.error?.code, -32602, `${method} ${JSON.stringify(params)}: ${JSON.stringify(reply)}`);
  };
  await bad('getSlotLeaders', [0, MAX_SLOT_LEADERS + 1]);
  await bad('getSlotLeaders', [-1, 1]);
  await bad('getSlotLeaders', ['0', 1]);
  await bad('getLargestAccounts', [{ filter: 'everything' }]);
  await bad('getRecentPerformanceSamples', [721]);
  await bad('getVoteAccounts', [{ votePubkey: 'not a key' }]);
  await bad('getLeaderSchedule', [null, { identity: 42 }]);
  await bad('getBlockProduction', [{ range: { firstSlot: 10, lastSlot: 5 } }]);
  await bad('getBlockProduction', [{ range: { firstSlot: 0, lastSlot: 1e12 } }]);
  await bad('getSupply', ['finalized']);
  await bad('getBlocks', [0, MAX_BLOCKS_RANGE + 1]);
  await bad('getBlocksWithLimit', [0, MAX_BLOCKS_RANGE + 1]);
  await bad('getBlock', [1, { transactionDetails: 'some' }]);
  await bad('getBlock', [1, { commitment: 'processed' }]);
  await bad('getBlock', [1, { encoding: 'xml' }]);
  await bad('getBlockTime', ['one']);
  const far = await rpc('getLeaderSchedule', [10 * 432_000 + (await connection.getSlot())]);
  assert.equal(far.result, null, 'an epoch the validator has no schedule for');
});

test('getBlock, getBlocks and getBlockTime serve the slots and transactions of this ledger', async () => {
  const bob = Keypair.generate();
  const signature = await sendAndConfirmTransaction(
    connection,
    new Transaction().add(
      SystemProgram.transfer({
        fromPubkey: alice.publicKey,
        toPubkey: bob.publicKey,
        lamports: LAMPORTS_PER_SOL,
      }),
    ),
    [alice],
  );
  const landed = await connection.getTransaction(signature);
  assert.ok(landed);
  const block = await connection.getBlock(landed.slot, { maxSupportedTransactionVersion: 0 });
  assert.ok(block);
  assert.equal(block.transactions.length, 1);
  assert.equal(block.transactions[0]?.transaction.signatures[0], signature);
  assert.deepEqual(block.transactions[0]?.meta?.postBalances, landed.meta?.postBalances);
  assert.equal(block.blockTime, landed.blockTime);
  assert.equal(await connection.getBlockTime(landed.slot), block.blockTime);
  const parent = await connection.getBlock(block.parentSlot, { maxSupportedTransactionVersion: 0 });
  assert.equal(parent?.blockhash, block.previousBlockhash);
  // web3.js's types omit blockHeight, which agave (and the ledger) answer.
  const heights = await Promise.all(
    [block.parentSlot, landed.slot].map(
      async (s) => (await rpc('getBlock', [s, { transactionDetails: 'none' }])).result.blockHeight,
    ),
  );
  assert.equal(heights[0] + 1, heights[1]);
  assert.deepEqual(block.rewards, []);

  // web3.js's getBlock has no `signatures` mode; agave's does.
  const signaturesOnly = (
    await rpc('getBlock', [landed.slot, { transactionDetails: 'signatures', rewards: false }])
  ).result;
  assert.deepEqual(signaturesOnly.signatures, [signature]);
  assert.equal('rewards' in signaturesOnly, false);
  assert.equal('transactions' in signaturesOnly, false);
  const accounts = await connection.getParsedBlock(landed.slot, {
    transactionDetails: 'accounts',
    maxSupportedTransactionVersion: 0,
  });
  assert.deepEqual(
    accounts.transactions[0]?.transaction.accountKeys.map((k) => k.pubkey.toBase58()),
    [alice.publicKey, bob.publicKey, SystemProgram.programId].map((k) => k.toBase58()),
  );
  const none = await rpc('getBlock', [landed.slot, { transactionDetails: 'none' }]);
  assert.equal('transactions' in none.result, false);
  assert.equal('signatures' in none.result, false);
  const base64 = await rpc('getBlock', [landed.slot, { encoding: 'base64' }]);
  const wire = Buffer.from(base64.result.transactions[0].transaction[0], 'base64');
  assert.equal(VersionedTransaction.deserialize(wire).signatures.length, 1);

  // A v0 transaction in a block: a client without maxSupportedTransactionVersion is told so.
  const { blockhash, lastValidBlockHeight } = await connection.getLatestBlockhash();
  const v0 = new VersionedTransaction(
    new TransactionMessage({
      payerKey: alice.publicKey,
      recentBlockhash: blockhash,
      instructions: [
        SystemProgram.transfer({ fromPubkey: alice.publicKey, toPubkey: bob.publicKey, lamports: 1 }),
      ],
    }).compileToV0Message(),
  );
  v0.sign([alice]);
  const v0sig = await connection.sendTransaction(v0);
  await connection.confirmTransaction({ signature: v0sig, blockhash, lastValidBlockHeight });
  const v0slot = (await connection.getTransaction(v0sig, { maxSupportedTransactionVersion: 0 }))?.slot ?? -1;
  assert.equal((await rpc('getBlock', [v0slot])).error?.code, -32015);
  const v0block = await connection.getBlock(v0slot, { maxSupportedTransactionVersion: 0 });
  assert.equal(v0block?.transactions[0]?.version, 0);

  const first = await connection.getFirstAvailableBlock();
  const blocks = await connection.getBlocks(first, v0slot);
  assert.equal(blocks[0], first);
  assert.ok(blocks.includes(landed.slot) && blocks.includes(v0slot));
  assert.deepEqual(
    blocks,
    [...blocks].sort((a, b) => a - b),
  );
  assert.deepEqual(await connection.getBlocks(landed.slot, landed.slot), [landed.slot]);
  const limited = await rpc('getBlocksWithLimit', [first, 3]);
  assert.deepEqual(limited.result, blocks.slice(0, 3));

  // A slot that has not ended is not available yet; one before the ledger began is not kept.
  const future = (await connection.getSlot('processed')) + 1000;
  assert.equal((await rpc('getBlock', [future])).error?.code, -32004);
  assert.equal((await rpc('getBlockTime', [future])).error?.code, -32004);
  if (first > 0) assert.equal((await rpc('getBlock', [first - 1])).error?.code, -32001);
});
