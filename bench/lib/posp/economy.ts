// One task instance through the real program in LiteSVM, with the real selection and sampling code
// (protocols/committee/selection/select.ts) deciding who works, who verifies and whether it is
// sampled. Every payment, penalty and slash is read back from chain state, never computed here.
import assert from 'node:assert/strict';
import type { PublicKey, TransactionInstruction } from '@solana/web3.js';
import { accountData } from '../../../programs/runtime/funding.js';
import {
  assignTaskIx,
  bigintify,
  closeExecutionIx,
  DEFAULT_PROTOCOL_PARAMS,
  decideSamplingIx,
  declareSpecializationIx,
  type ExecutionAccount,
  executionAddress,
  type NodeAccount,
  nodeAddress,
  reassignTaskIx,
  registerNodeIx,
  reportCompletionIx,
  reportVerificationIx,
  requestExecutionIx,
  resolveDisputeIx,
  revealTimeoutIx,
  revealWindowS,
  settleTaskIx,
  splitupProgram,
  stakeIx,
  TASK_DISPUTED,
  type TaskRunAccount,
} from '../../../programs/splitup/client/index.js';
import {
  isSampled,
  type SelectionSeed,
  verifierIndex,
  workerIndex,
} from '../../../protocols/committee/selection/select.js';
import {
  type Actor,
  commitOf,
  executionWorld,
  hashOf,
  MAX_FEE,
  revealIx,
  STAKE,
  type World,
} from '../../../test/unit/programs/splitup/world.js';
import { sendFast } from './fast-send.js';
import type { Strategies, VerifierStrategy } from './strategies.js';

/** Nodes specialized on the simulated task: enough that picks spread, few enough to decode each instance. */
export const POOL_SIZE = 6;
/** The simulated task: t0 of the world's 2-task model (1000 compute units, C = 10,000 base units). */
const TASK = 0;
const TASK_KEY = 't0';
/** Stands in for the certified liveness table's root: selection hashes it, the program does not read it yet. */
const TABLE_ROOT = hashOf('posp-economics/table');
const P_BPS = DEFAULT_PROTOCOL_PARAMS.verifyProbabilityBps;
const REVEAL_WINDOW = revealWindowS(DEFAULT_PROTOCOL_PARAMS);

// The client's decodeNode / decodeExecution build a fresh anchor Program per call (~8 ms each);
// one coder from the same IDL, built once, decodes the same bytes to the same values.
const coder = splitupProgram().coder.accounts;
const decodeNode = (data: Uint8Array) => bigintify(coder.decode('node', Buffer.from(data))) as NodeAccount;
const decodeExecution = (data: Uint8Array) =>
  bigintify(coder.decode('execution', Buffer.from(data))) as ExecutionAccount;

/** A party's take from one instance, read from chain: wallet change plus stake change. */
export interface Take {
  node: string;
  /** Wallet delta: payments received. */
  paid: bigint;
  /** Stake delta: penalties and slashes (<= 0). */
  stakeLost: bigint;
  /** Its slashed flag went up in this instance. */
  slashed: boolean;
}

export interface InstanceOutcome {
  instance: number;
  strategies: Strategies;
  /** What isSampled says for the worker's commitment (the decision an honest oracle sends). */
  drawnSampled: boolean;
  /** run.sampled on chain once settled. */
  sampledOnChain: boolean;
  /** Status right before settle_task: MATCHED / RESOLVED, or UNSAMPLED / REPORTED when paid unsampled. */
  statusAtSettle: number;
  worker: Take;
  /** The first verifier picked, playing the instance's verifier strategy (absent when not sampled). */
  verifier?: Take;
  /** The replacement picked after a lazy verifier timed out; always honest. */
  replacement?: Take;
  disputes: number;
  /** Guilty party named by the committee in each dispute. */
  verdicts: ('node' | 'verifier')[];
}

export interface Economy {
  world: World;
  pool: Actor[];
  /** Every node wallet ever created, for token conservation. */
  wallets: PublicKey[];
  /** Tokens minted since the start (fresh nodes' stakes). */
  minted: bigint;
  /** Tokens held by the vault, the client and all node wallets at the start. */
  initialTokens: bigint;
  replaced: number;
}

async function stakedNode(w: World): Promise<Actor> {
  const key = w.env.funded();
  const actor = { key, wallet: w.env.tokenAccount(key.publicKey, STAKE) };
  await w.env.sendAsync([registerNodeIx(key.publicKey)], [key]);
  await w.env.sendAsync([stakeIx(key.publicKey, actor.wallet, STAKE)], [key]);
  await w.env.sendAsync([declareSpecializationIx(key.publicKey, w.model, TASK)], [key]);
  return actor;
}

export function totalTokens(e: Economy): bigint {
  const { env, client } = e.world;
  let sum = env.vaultBalance() + env.tokenBalance(client.wallet);
  for (const w of e.wallets) sum += env.tokenBalance(w);
  return sum;
}

export async function createEconomy(): Promise<Economy> {
  const world = await executionWorld();
  const pool: Actor[] = [];
  for (let i = 0; i < POOL_SIZE; i++) pool.push(await stakedNode(world));
  const wallets = [world.a, world.b, world.v, ...pool].map((x) => x.wallet);
  const e: Economy = { world, pool, wallets, minted: 0n, initialTokens: 0n, replaced: 0 };
  e.initialTokens = totalTokens(e);
  return e;
}

const nodeState = (w: World, who: Actor) =>
  decodeNode(accountData(w.env.svm, nodeAddress(who.key.publicKey))!.data);

function snapshot(w: World, who: Actor) {
  const n = nodeState(w, who);
  return { wallet: w.env.tokenBalance(who.wallet), staked: n.staked, slashed: n.slashed };
}

function takeSince(w: World, who: Actor, before: ReturnType<typeof snapshot>): Take {
  const now = snapshot(w, who);
  return {
    node: who.key.publicKey.toBase58(),
    paid: now.wallet - before.wallet,
    stakeLost: now.staked - before.staked,
    slashed: now.slashed && !before.slashed,
  };
}

/** The committee's verdict: guilty is whoever's revealed output differs from the honest recomputation. */
function guiltyOf(run: TaskRunAccount, honest: Uint8Array): 'node' | 'verifier' {
  // Both may differ (a cheating worker and a guessing verifier): the program takes one guilty
  // party, and the node must not be paid for a wrong output, so the node is named.
  return Buffer.from(run.outputHash).equals(honest) ? 'verifier' : 'node';
}

/** The decision code's part of an instance: who works, what it commits, whether it is sampled. */
export function drawsOf(e: Economy, instance: number, strategies: Strategies, randomness: Uint8Array) {
  const nonce = BigInt(instance) + 1n;
  const execution = executionAddress(e.world.client.key.publicKey, nonce);
  const seed: SelectionSeed = {
    randomness,
    tableRoot: TABLE_ROOT,
    executionId: execution.toBytes(),
    taskKey: TASK_KEY,
    attempt: 0,
  };
  const wi = workerIndex(seed, e.pool.length);
  const worker = e.pool[wi]!;
  // The honest recomputation's output; a cheater commits to something it did not compute.
  const honest = hashOf(`output ${instance}`);
  const workerHash = strategies.worker === 'cheat' ? hashOf(`skipped compute ${instance}`) : honest;
  const commitment = commitOf(worker, execution, TASK, workerHash);
  const drawnSampled = isSampled(seed, commitment, P_BPS);
  return { nonce, execution, seed, wi, worker, honest, workerHash, commitment, drawnSampled };
}

export async function runInstance(
  e: Economy,
  instance: number,
  strategies: Strategies,
  randomness: Uint8Array,
): Promise<InstanceOutcome> {
  const w = e.world;
  const { env, model, client, quorum } = w;
  const q = quorum.map((k) => k.publicKey);
  const send = async (ix: Promise<TransactionInstruction>, who: Actor) =>
    sendFast(env.svm, [await ix], [who.key]);
  const byCommittee = async (ix: Promise<TransactionInstruction>) => sendFast(env.svm, [await ix], quorum);
  const d = drawsOf(e, instance, strategies, randomness);
  const { execution, seed, wi, worker, honest, workerHash, commitment, drawnSampled } = d;
  const pool = e.pool;
  const runOf = () => decodeExecution(accountData(env.svm, execution)!.data).tasks[TASK]!;
  await send(
    requestExecutionIx({
      client: client.key.publicKey,
      clientWallet: client.wallet,
      model,
      nonce: d.nonce,
      maxFee: MAX_FEE,
      inputCommitment: hashOf(`input ${instance}`),
    }),
    client,
  );
  const before = new Map(pool.map((n) => [n, snapshot(w, n)]));
  await byCommittee(assignTaskIx(execution, model, TASK, worker.key.publicKey, q));
  await send(reportCompletionIx(worker.key.publicKey, execution, TASK, commitment), worker);

  const outcome: Omit<InstanceOutcome, 'worker' | 'sampledOnChain' | 'statusAtSettle'> = {
    instance,
    strategies,
    drawnSampled,
    disputes: 0,
    verdicts: [],
  };
  let finalVerifier: Actor | undefined;
  let first: Actor | undefined;
  let replacement: Actor | undefined;
  if (strategies.oracle === 'withhold') {
    // No decision is ever sent: settle_task pays the report as unsampled once the window passes.
    env.advance(env.challengeWindow());
  } else if (!drawnSampled) {
    await byCommittee(decideSamplingIx(execution, model, TASK, null, q, worker.key.publicKey));
    env.advance(env.challengeWindow());
  } else {
    const vi = verifierIndex(seed, pool.length, wi);
    first = pool[vi]!;
    const concluded = await verify(first, strategies.verifier);
    if (!concluded) {
      // The lazy verifier was penalised and the task is back to REPORTED, still sampled: the
      // committee names another verifier, drawn over the pool without the worker and the lazy one.
      const others = pool.filter((n) => n !== first);
      const j = verifierIndex({ ...seed, attempt: 1 }, others.length, others.indexOf(worker));
      replacement = others[j]!;
      assert.ok(await verify(replacement, 'honest'), 'an honest verification always concludes');
      finalVerifier = replacement;
    } else {
      finalVerifier = first;
    }
  }

  /** One verification by `verifier` playing `strategy`; false when it timed out (task back to REPORTED). */
  async function verify(verifier: Actor, strategy: VerifierStrategy): Promise<boolean> {
    const parties = { node: worker, verifier };
    await byCommittee(
      decideSamplingIx(execution, model, TASK, verifier.key.publicKey, q, worker.key.publicKey),
    );
    if (strategy === 'lazy-silent') {
      env.advance(DEFAULT_PROTOCOL_PARAMS.completionTimeoutS);
      await send(reassignTaskIx(execution, TASK, verifier.key.publicKey), client);
      return false;
    }
    const verifierHash = strategy === 'lazy-guess' ? hashOf(`guess ${instance}`) : honest;
    const committed =
      strategy === 'lazy-copy'
        ? Uint8Array.from(runOf().outputHash)
        : commitOf(verifier, execution, TASK, verifierHash);
    await send(reportVerificationIx(verifier.key.publicKey, execution, TASK, committed), verifier);
    if (strategy === 'lazy-copy') {
      // Its own key is inside every commitment it could open: the copy opens to nothing.
      env.advance(REVEAL_WINDOW);
      await send(revealTimeoutIx(execution, TASK, verifier.key.publicKey), client);
      return false;
    }
    await send(revealIx(verifier, execution, TASK, verifierHash, parties), verifier);
    await send(revealIx(worker, execution, TASK, workerHash, parties), worker);
    const run = runOf();
    if (run.status === TASK_DISPUTED) {
      const guilty = guiltyOf(run, honest);
      outcome.disputes++;
      outcome.verdicts.push(guilty);
      await byCommittee(
        resolveDisputeIx(execution, TASK, guilty, worker.key.publicKey, verifier.key.publicKey, q),
      );
    }
    return true;
  }

  const statusAtSettle = runOf().status;
  await send(
    settleTaskIx({
      execution,
      taskIndex: TASK,
      node: worker.key.publicKey,
      nodeWallet: worker.wallet,
      ...(finalVerifier
        ? { verifier: { authority: finalVerifier.key.publicKey, wallet: finalVerifier.wallet } }
        : {}),
    }),
    client,
  );
  const sampledOnChain = runOf().sampled === 1;
  // t1 is never assigned: it expires after the assignment timeout, then the client closes.
  env.advance(DEFAULT_PROTOCOL_PARAMS.assignmentTimeoutS);
  await send(closeExecutionIx(client.key.publicKey, execution, client.wallet), client);

  const result: InstanceOutcome = {
    ...outcome,
    sampledOnChain,
    statusAtSettle,
    worker: takeSince(w, worker, before.get(worker)!),
    ...(first ? { verifier: takeSince(w, first, before.get(first)!) } : {}),
    ...(replacement ? { replacement: takeSince(w, replacement, before.get(replacement)!) } : {}),
  };
  await replaceSlashed(e);
  return result;
}

/** A slashed node takes no more work: a fresh staked node takes its place in the pool. */
async function replaceSlashed(e: Economy): Promise<void> {
  for (let i = 0; i < e.pool.length; i++) {
    if (!nodeState(e.world, e.pool[i]!).slashed) continue;
    const fresh = await stakedNode(e.world);
    e.pool[i] = fresh;
    e.wallets.push(fresh.wallet);
    e.minted += STAKE;
    e.replaced++;
  }
}
