// The SplitUp program deployed by `splitup ledger` (a separate process, real JSON-RPC), driven
// from this process with web3.js transactions built by our Anchor client: initialize, a model,
// three staked nodes and a full 2-task inference, every task verified (both commit, the verifier
// reveals, then the node) and matching.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, test } from 'node:test';
import {
  type Connection,
  type Keypair,
  PublicKey,
  sendAndConfirmTransaction,
  Transaction,
  type TransactionInstruction,
} from '@solana/web3.js';
import { createConnection, createProvider } from '../../node/chain/connection.js';
import { readSolanaKeypair } from '../../programs/ledger/keypair-file.js';
import {
  assignTaskIx,
  closeExecutionIx,
  commitmentOf,
  configAddress,
  DEFAULT_PROTOCOL_PARAMS,
  decideSamplingIx,
  declareSpecializationIx,
  decodeNode,
  executionAddress,
  initializeIx,
  modelAddress,
  modelIdFrom,
  nodeAddress,
  registerModelInstructions,
  registerNodeIx,
  reportCompletionIx,
  reportVerificationIx,
  requestExecutionIx,
  revealOutputIx,
  SEED_EXAMPLE_PARAMS,
  SPLITUP_PROGRAM_ID,
  settleTaskIx,
  splitupErrorName,
  splitupProgram,
  stakeIx,
} from '../../programs/splitup/client/index.js';
import { SPLITUP_SO_PATH } from '../../programs/splitup/deploy.js';
import { twoTaskModel } from '../unit/programs/splitup/models.js';
import { type LedgerProcess, startLedgerProcess } from './ledger-process.js';

const KEYS = 8;
const STAKE = 2000n * 1_000_000n;
const MAX_FEE = 100_000n;
const hashOf = (label: string) => createHash('sha256').update(label).digest();

let ledger: LedgerProcess;
let connection: Connection;
let keys: { key: Keypair; wallet: PublicKey }[];

before(async () => {
  ledger = await startLedgerProcess(['--program', SPLITUP_SO_PATH, '--keys', String(KEYS)]);
  connection = createConnection(ledger.ready.rpcUrl, { wsUrl: ledger.ready.wsUrl });
  keys = await Promise.all(
    ledger.ready.keys.map(async (k) => ({
      key: await readSolanaKeypair(k.path),
      wallet: new PublicKey(k.tokenAccount),
    })),
  );
});

after(async () => {
  // Close web3.js's signature-subscription socket first, or it retries against a stopped ledger.
  (connection as unknown as { _rpcWebSocket?: { close(): void } })?._rpcWebSocket?.close();
  await ledger?.stop();
});

async function send(ixs: TransactionInstruction[] | Promise<TransactionInstruction>, signers: Keypair[]) {
  const list = Array.isArray(ixs) ? ixs : [await ixs];
  return sendAndConfirmTransaction(connection, new Transaction().add(...list), signers);
}

test('the ledger deployed our program at the IDL address', () => {
  assert.equal(ledger.ready.programId, SPLITUP_PROGRAM_ID.toBase58());
});

test('a full 2-task inference over RPC, with errors decoded to their names', async () => {
  const [admin, client, a, b, v, m1, m2, m3] = keys as [(typeof keys)[number], ...typeof keys];
  const committee = [m1!, m2!, m3!].map((k) => k.key);
  const mint = new PublicKey(ledger.ready.mint);
  const init = (params: typeof DEFAULT_PROTOCOL_PARAMS) =>
    initializeIx({ admin: admin.key.publicKey, mint, committee: committee.map((k) => k.publicKey), params });

  // The seed's own parameters are refused by the program, over RPC too.
  let refused: string | undefined;
  try {
    await send(init(SEED_EXAMPLE_PARAMS), [admin.key]);
  } catch (err) {
    refused = splitupErrorName(err);
  }
  assert.equal(refused, 'InsecureParameters');
  await send(init(DEFAULT_PROTOCOL_PARAMS), [admin.key]);

  // Anchor over RPC reads the config with our IDL.
  const program = splitupProgram(createProvider(connection, admin.key));
  const config = await program.account.config.fetch(configAddress());
  assert.equal(config.threshold, 2);
  assert.ok(config.mint.equals(mint));

  for (const ix of await registerModelInstructions(admin.key.publicKey, modelIdFrom('e2e'), twoTaskModel()))
    await send([ix], [admin.key]);
  const model = modelAddress(modelIdFrom('e2e'));
  for (const [node, tasks] of [
    [a!, [0]],
    [b!, [1]],
    [v!, [0, 1]],
  ] as const) {
    await send(registerNodeIx(node.key.publicKey), [node.key]);
    await send(stakeIx(node.key.publicKey, node.wallet, STAKE), [node.key]);
    for (const t of tasks) await send(declareSpecializationIx(node.key.publicKey, model, t), [node.key]);
  }

  const before = await Promise.all(
    [client!, a!, b!, v!].map((k) => connection.getTokenAccountBalance(k.wallet)),
  );
  const nonce = 1n;
  const execution = executionAddress(client!.key.publicKey, nonce);
  const quorum = committee.slice(0, 2);
  const q = quorum.map((k) => k.publicKey);
  await send(
    requestExecutionIx({
      client: client!.key.publicKey,
      clientWallet: client!.wallet,
      model,
      nonce,
      maxFee: MAX_FEE,
      inputCommitment: hashOf('input'),
    }),
    [client!.key],
  );
  const runners = [a!, b!];
  for (const [i, node] of runners.entries()) {
    await send(assignTaskIx(execution, model, i, node.key.publicKey, q), quorum);
    const output = hashOf(`out${i}`);
    const salt = (who: Keypair) => hashOf(`salt ${who.publicKey.toBase58()}`);
    const commit = (who: Keypair) =>
      commitmentOf({
        committer: who.publicKey,
        execution,
        taskIndex: i,
        outputHash: output,
        salt: salt(who),
      });
    const reveal = (who: Keypair) =>
      revealOutputIx({
        authority: who.publicKey,
        execution,
        taskIndex: i,
        outputHash: output,
        salt: salt(who),
        node: node.key.publicKey,
        verifier: v!.key.publicKey,
      });
    await send(reportCompletionIx(node.key.publicKey, execution, i, commit(node.key)), [node.key]);
    await send(decideSamplingIx(execution, model, i, v!.key.publicKey, q, node.key.publicKey), quorum);
    await send(reportVerificationIx(v!.key.publicKey, execution, i, commit(v!.key)), [v!.key]);
    await send(reveal(v!.key), [v!.key]);
    await send(reveal(node.key), [node.key]);
    await send(
      settleTaskIx({
        execution,
        taskIndex: i,
        node: node.key.publicKey,
        nodeWallet: node.wallet,
        verifier: { authority: v!.key.publicKey, wallet: v!.wallet },
      }),
      [client!.key],
    );
  }
  await send(closeExecutionIx(client!.key.publicKey, execution, client!.wallet), [client!.key]);

  const afterBalances = await Promise.all(
    [client!, a!, b!, v!].map((k) => connection.getTokenAccountBalance(k.wallet)),
  );
  const delta = afterBalances.map((x, i) => BigInt(x.value.amount) - BigInt(before[i]!.value.amount));
  // C0 = 10 000, C1 = 20 000 (compute units x 10); R = 1.2: verifier 12 000 + 24 000.
  assert.deepEqual(delta, [-66_000n, 10_000n, 20_000n, 36_000n]);
  assert.equal(await connection.getAccountInfo(execution), null, 'execution closed');
  const vInfo = await connection.getAccountInfo(nodeAddress(v!.key.publicKey));
  assert.equal(decodeNode(vInfo!.data).activeAssignments, 0);
});
