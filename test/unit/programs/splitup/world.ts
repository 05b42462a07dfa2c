// A ledger ready for executions: the 2-task model registered, three staked specialized nodes
// (A: t0, B: t1, V: both) and a funded client. Shared by the execution tests and bench/.
import { createHash } from 'node:crypto';
import type { Keypair, PublicKey, TransactionInstruction } from '@solana/web3.js';
import type { SentTransaction } from '../../../../programs/runtime/send-transaction.js';
import {
  assignTaskIx,
  closeExecutionIx,
  commitmentOf,
  decideSamplingIx,
  declareSpecializationIx,
  executionAddress,
  modelAddress,
  modelIdFrom,
  registerModelInstructions,
  registerNodeIx,
  reportCompletionIx,
  reportVerificationIx,
  requestExecutionIx,
  revealOutputIx,
  settleTaskIx,
  stakeIx,
} from '../../../../programs/splitup/client/index.js';
import { type Env, initializedEnv, TOKEN_UNIT } from './harness.js';
import { twoTaskModel } from './models.js';

export interface Actor {
  key: Keypair;
  wallet: PublicKey;
}

export interface World {
  env: Env;
  model: PublicKey;
  a: Actor;
  b: Actor;
  v: Actor;
  client: Actor;
  /** A threshold (3 of 4) of the committee. */
  quorum: Keypair[];
}

export const STAKE = 2000n * TOKEN_UNIT;
export const CLIENT_FUNDS = 10_000n * TOKEN_UNIT;
/** Task payments with the default price (10 per compute unit): t0 1000 CU, t1 2000 CU. */
export const C0 = 10_000n;
export const C1 = 20_000n;
export const MAX_FEE = 100_000n;

export const hashOf = (label: string) => createHash('sha256').update(label).digest();

/** Each actor's salt, fixed so tests replay (a real node draws `newSalt()` per commitment). */
export const saltOf = (who: Actor) => hashOf(`salt ${who.key.publicKey.toBase58()}`);

/** `who`'s identity-bound commitment to `outputHash` on task `taskIndex` of `execution`. */
export const commitOf = (who: Actor, execution: PublicKey, taskIndex: number, outputHash: Uint8Array) =>
  commitmentOf({ committer: who.key.publicKey, execution, taskIndex, outputHash, salt: saltOf(who) });

/** `who` (the verifier or the node) opens its commitment to `outputHash` with its own salt. */
export const revealIx = (
  who: Actor,
  execution: PublicKey,
  taskIndex: number,
  outputHash: Uint8Array,
  parties: { node: Actor; verifier: Actor },
): Promise<TransactionInstruction> =>
  revealOutputIx({
    authority: who.key.publicKey,
    execution,
    taskIndex,
    outputHash,
    salt: saltOf(who),
    node: parties.node.key.publicKey,
    verifier: parties.verifier.key.publicKey,
  });

export async function executionWorld(): Promise<World> {
  const env = await initializedEnv();
  const dev = env.funded();
  await env.sendEach(registerModelInstructions(dev.publicKey, modelIdFrom('chain'), twoTaskModel()), [dev]);
  const model = modelAddress(modelIdFrom('chain'));
  const actor = (funds: bigint): Actor => {
    const key = env.funded();
    return { key, wallet: env.tokenAccount(key.publicKey, funds) };
  };
  const a = actor(STAKE);
  const b = actor(STAKE);
  const v = actor(STAKE);
  for (const [node, tasks] of [
    [a, [0]],
    [b, [1]],
    [v, [0, 1]],
  ] as const) {
    await env.sendAsync([registerNodeIx(node.key.publicKey)], [node.key]);
    await env.sendAsync([stakeIx(node.key.publicKey, node.wallet, STAKE)], [node.key]);
    for (const t of tasks)
      await env.sendAsync([declareSpecializationIx(node.key.publicKey, model, t)], [node.key]);
  }
  const client = actor(CLIENT_FUNDS);
  return { env, model, a, b, v, client, quorum: env.committee.slice(0, 3) };
}

/** Per instruction name: compute units and the transaction's signature count. */
export type Costs = Record<string, { cu: bigint; signatures: number }[]>;

/**
 * The happy path of one inference: t0 sampled and verified (both commit, the verifier reveals,
 * then the node: a match), t1 not sampled and paid after the challenge window (no reveal), then
 * close. Returns the cost of every transaction.
 */
export async function happyFlow(w: World, nonce: bigint): Promise<Costs> {
  const { env, model, a, b, v, client, quorum } = w;
  const costs: Costs = {};
  const q = quorum.map((k) => k.publicKey);
  const note = (name: string, tx: SentTransaction) => {
    const list = costs[name] ?? [];
    list.push({ cu: tx.computeUnits, signatures: tx.signatures });
    costs[name] = list;
  };
  const run = async (name: string, ix: Parameters<Env['sendAsync']>[0][number], signers: Keypair[]) =>
    note(name, await env.sendAsync([ix], signers));
  const execution = executionAddress(client.key.publicKey, nonce);
  await run(
    'request_execution',
    requestExecutionIx({
      client: client.key.publicKey,
      clientWallet: client.wallet,
      model,
      nonce,
      maxFee: MAX_FEE,
      inputCommitment: hashOf('input'),
    }),
    [client.key],
  );
  await run('assign_task', assignTaskIx(execution, model, 0, a.key.publicKey, q), [
    quorum[0]!,
    ...quorum.slice(1),
  ]);
  await run('assign_task', assignTaskIx(execution, model, 1, b.key.publicKey, q), quorum);
  await run(
    'report_completion',
    reportCompletionIx(a.key.publicKey, execution, 0, commitOf(a, execution, 0, hashOf('h'))),
    [a.key],
  );
  await run(
    'report_completion',
    reportCompletionIx(b.key.publicKey, execution, 1, commitOf(b, execution, 1, hashOf('y'))),
    [b.key],
  );
  await run(
    'decide_sampling',
    decideSamplingIx(execution, model, 0, v.key.publicKey, q, a.key.publicKey),
    quorum,
  );
  await run('decide_sampling', decideSamplingIx(execution, model, 1, null, q, b.key.publicKey), quorum);
  await run(
    'report_verification',
    reportVerificationIx(v.key.publicKey, execution, 0, commitOf(v, execution, 0, hashOf('h'))),
    [v.key],
  );
  await run('reveal_output', revealIx(v, execution, 0, hashOf('h'), { node: a, verifier: v }), [v.key]);
  await run('reveal_output', revealIx(a, execution, 0, hashOf('h'), { node: a, verifier: v }), [a.key]);
  await run(
    'settle_task',
    settleTaskIx({
      execution,
      taskIndex: 0,
      node: a.key.publicKey,
      nodeWallet: a.wallet,
      verifier: { authority: v.key.publicKey, wallet: v.wallet },
    }),
    [client.key],
  );
  env.advance(env.challengeWindow());
  await run(
    'settle_task',
    settleTaskIx({ execution, taskIndex: 1, node: b.key.publicKey, nodeWallet: b.wallet }),
    [client.key],
  );
  await run('close_execution', closeExecutionIx(client.key.publicKey, execution, client.wallet), [
    client.key,
  ]);
  return costs;
}

/**
 * t0 of a fresh execution up to TASK_REVEALING: A assigned and committed to `nodeHash`, sampled
 * with V, V committed to `verifierHash`; nothing revealed yet. Returns the execution.
 */
export async function revealingTask(
  w: World,
  nonce: bigint,
  nodeHash: Uint8Array,
  verifierHash: Uint8Array,
): Promise<PublicKey> {
  const { env, model, a, v, client, quorum } = w;
  const q = quorum.map((k) => k.publicKey);
  const execution = executionAddress(client.key.publicKey, nonce);
  await env.sendAsync(
    [
      requestExecutionIx({
        client: client.key.publicKey,
        clientWallet: client.wallet,
        model,
        nonce,
        maxFee: MAX_FEE,
        inputCommitment: hashOf('input'),
      }),
    ],
    [client.key],
  );
  await env.sendAsync([assignTaskIx(execution, model, 0, a.key.publicKey, q)], quorum);
  await env.sendAsync(
    [reportCompletionIx(a.key.publicKey, execution, 0, commitOf(a, execution, 0, nodeHash))],
    [a.key],
  );
  await env.sendAsync([decideSamplingIx(execution, model, 0, v.key.publicKey, q, a.key.publicKey)], quorum);
  await env.sendAsync(
    [reportVerificationIx(v.key.publicKey, execution, 0, commitOf(v, execution, 0, verifierHash))],
    [v.key],
  );
  return execution;
}
