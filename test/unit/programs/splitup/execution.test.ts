import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { Keypair, PublicKey } from '@solana/web3.js';
import { accountData } from '../../../../programs/runtime/funding.js';
import {
  assignTaskIx,
  closeExecutionIx,
  DEFAULT_PROTOCOL_PARAMS,
  decideSamplingIx,
  decodeExecution,
  decodeNode,
  executionAddress,
  modelAddress,
  modelIdFrom,
  nodeAddress,
  reassignTaskIx,
  registerModelInstructions,
  reportCompletionIx,
  reportVerificationIx,
  requestExecutionIx,
  requestUnstakeIx,
  resolveDisputeIx,
  settleTaskIx,
  withdrawIx,
} from '../../../../programs/splitup/client/index.js';
import { rejects } from './harness.js';
import { twoTaskModel } from './models.js';
import {
  C0,
  C1,
  CLIENT_FUNDS,
  commitOf,
  executionWorld,
  happyFlow,
  hashOf,
  MAX_FEE,
  revealIx,
  STAKE,
  type World,
} from './world.js';

const R_BPS = BigInt(DEFAULT_PROTOCOL_PARAMS.verifierRewardBps);
const S_BPS = BigInt(DEFAULT_PROTOCOL_PARAMS.slashBps);
const reward = (c: bigint) => (c * R_BPS) / 10_000n;
const slashOf = (c: bigint) => (c * S_BPS) / 10_000n;

describe('executions', () => {
  let world: World;
  before(async () => {
    world = await executionWorld();
  });
  /** A private copy of the world. */
  const fork = (): World => ({ ...world, env: world.env.fork() });
  const balances = (w: World) => ({
    a: w.env.tokenBalance(w.a.wallet),
    b: w.env.tokenBalance(w.b.wallet),
    v: w.env.tokenBalance(w.v.wallet),
    client: w.env.tokenBalance(w.client.wallet),
    vault: w.env.vaultBalance(),
  });
  const nodeOf = (w: World, who: { key: Keypair }) =>
    decodeNode(accountData(w.env.svm, nodeAddress(who.key.publicKey))!.data);
  const q = (w: World) => w.quorum.map((k) => k.publicKey);
  const execOf = (w: World, nonce: bigint) =>
    decodeExecution(accountData(w.env.svm, executionAddress(w.client.key.publicKey, nonce))!.data);

  /** Request + assign both tasks + both reports (t0's hash given). */
  async function reported(w: World, nonce: bigint, t0Hash: Buffer): Promise<PublicKey> {
    const { env, model, a, b, client, quorum } = w;
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
    await env.sendAsync([assignTaskIx(execution, model, 0, a.key.publicKey, q(w))], quorum);
    await env.sendAsync([assignTaskIx(execution, model, 1, b.key.publicKey, q(w))], quorum);
    await env.sendAsync(
      [reportCompletionIx(a.key.publicKey, execution, 0, commitOf(a, execution, 0, t0Hash))],
      [a.key],
    );
    await env.sendAsync(
      [reportCompletionIx(b.key.publicKey, execution, 1, commitOf(b, execution, 1, hashOf('y')))],
      [b.key],
    );
    return execution;
  }

  /** t0's verifier V commits to `verifierHash`, then V reveals it and A reveals `nodeHash`. */
  async function verified(
    w: World,
    execution: PublicKey,
    verifierHash: Buffer,
    nodeHash: Buffer,
  ): Promise<void> {
    const { env, a, v } = w;
    await env.sendAsync(
      [reportVerificationIx(v.key.publicKey, execution, 0, commitOf(v, execution, 0, verifierHash))],
      [v.key],
    );
    await env.sendAsync([revealIx(v, execution, 0, verifierHash, { node: a, verifier: v })], [v.key]);
    await env.sendAsync([revealIx(a, execution, 0, nodeHash, { node: a, verifier: v })], [a.key]);
  }

  it('runs a 2-task inference: t0 verified and matching, t1 unsampled, all paid, rest refunded', async () => {
    const w = fork();
    const before = balances(w);
    const costs = await happyFlow(w, 1n);
    const after = balances(w);
    assert.equal(after.a - before.a, C0);
    assert.equal(after.v - before.v, reward(C0));
    assert.equal(after.b - before.b, C1);
    assert.equal(before.client - after.client, C0 + reward(C0) + C1);
    assert.equal(after.client, CLIENT_FUNDS - (C0 + reward(C0) + C1));
    assert.equal(after.vault, before.vault, 'the vault holds exactly the stakes again');
    assert.equal(accountData(w.env.svm, executionAddress(w.client.key.publicKey, 1n)), undefined, 'closed');
    for (const n of [w.a, w.b, w.v]) assert.equal(nodeOf(w, n).activeAssignments, 0);
    assert.equal(costs.assign_task?.length, 2);
  });

  it('slashes a cheating node on mismatch and pays the verifier and the client from the slash', async () => {
    const w = fork();
    const before = balances(w);
    const execution = await reported(w, 2n, hashOf('wrong'));
    await w.env.sendAsync(
      [decideSamplingIx(execution, w.model, 0, w.v.key.publicKey, q(w), w.a.key.publicKey)],
      w.quorum,
    );
    await verified(w, execution, hashOf('h'), hashOf('wrong'));
    assert.equal(nodeOf(w, w.a).openDisputes, 1);
    // In dispute: the node cannot run away with its stake.
    await w.env.sendAsync([requestUnstakeIx(w.a.key.publicKey, STAKE)], [w.a.key]);
    w.env.advance(DEFAULT_PROTOCOL_PARAMS.unstakeCooldownS);
    await rejects(() => w.env.sendAsync([withdrawIx(w.a.key.publicKey, w.a.wallet)], [w.a.key]), 'NodeBusy');
    // Two members are not a verdict.
    await rejects(
      () =>
        w.env.sendAsync(
          [resolveDisputeIx(execution, 0, 'node', w.a.key.publicKey, w.v.key.publicKey, q(w).slice(0, 2))],
          w.quorum.slice(0, 2),
        ),
      'InsufficientCommitteeSignatures',
    );
    const nobody = await resolveDisputeIx(execution, 0, 'node', w.a.key.publicKey, w.v.key.publicKey, q(w));
    nobody.data[9] = 2; // VerdictArgs.guilty: neither party
    await rejects(() => w.env.send([nobody], w.quorum), 'InvalidVerdict');
    await w.env.sendAsync(
      [resolveDisputeIx(execution, 0, 'node', w.a.key.publicKey, w.v.key.publicKey, q(w))],
      w.quorum,
    );
    const slashed = nodeOf(w, w.a);
    assert.equal(slashed.slashed, true);
    assert.equal(slashed.staked, STAKE - slashOf(C0));
    assert.equal(slashed.openDisputes, 0);
    await w.env.sendAsync([decideSamplingIx(execution, w.model, 1, null, q(w), w.b.key.publicKey)], w.quorum);
    await w.env.sendAsync(
      [
        settleTaskIx({
          execution,
          taskIndex: 0,
          node: w.a.key.publicKey,
          nodeWallet: w.a.wallet,
          verifier: { authority: w.v.key.publicKey, wallet: w.v.wallet },
        }),
      ],
      [w.client.key],
    );
    w.env.advance(w.env.challengeWindow());
    await w.env.sendAsync(
      [settleTaskIx({ execution, taskIndex: 1, node: w.b.key.publicKey, nodeWallet: w.b.wallet })],
      [w.client.key],
    );
    await w.env.sendAsync(
      [closeExecutionIx(w.client.key.publicKey, execution, w.client.wallet)],
      [w.client.key],
    );
    const after = balances(w);
    assert.equal(after.a, before.a, 'the cheater earns nothing');
    assert.equal(after.v - before.v, reward(C0), 'the honest verifier gets R x C from the slash');
    assert.equal(after.b - before.b, C1);
    // The client pays only t1 and receives the rest of the slash.
    assert.equal(after.client - before.client, slashOf(C0) - reward(C0) - C1);
    assert.equal(before.vault - after.vault, slashOf(C0), 'the slash left the vault to the honest parties');
    // A slashed node takes no more work.
    const next = executionAddress(w.client.key.publicKey, 3n);
    await w.env.sendAsync(
      [
        requestExecutionIx({
          client: w.client.key.publicKey,
          clientWallet: w.client.wallet,
          model: w.model,
          nonce: 3n,
          maxFee: MAX_FEE,
          inputCommitment: hashOf('input'),
        }),
      ],
      [w.client.key],
    );
    await rejects(
      () => w.env.sendAsync([assignTaskIx(next, w.model, 0, w.a.key.publicKey, q(w))], w.quorum),
      'NodeSlashed',
    );
  });

  it('slashes a lying verifier and pays the honest node from the slash', async () => {
    const w = fork();
    const before = balances(w);
    const execution = await reported(w, 4n, hashOf('h'));
    await w.env.sendAsync(
      [decideSamplingIx(execution, w.model, 0, w.v.key.publicKey, q(w), w.a.key.publicKey)],
      w.quorum,
    );
    await verified(w, execution, hashOf('lie'), hashOf('h'));
    await w.env.sendAsync(
      [resolveDisputeIx(execution, 0, 'verifier', w.a.key.publicKey, w.v.key.publicKey, q(w))],
      w.quorum,
    );
    assert.equal(nodeOf(w, w.v).slashed, true);
    assert.equal(nodeOf(w, w.a).slashed, false);
    await w.env.sendAsync(
      [
        settleTaskIx({
          execution,
          taskIndex: 0,
          node: w.a.key.publicKey,
          nodeWallet: w.a.wallet,
          verifier: { authority: w.v.key.publicKey, wallet: w.v.wallet },
        }),
      ],
      [w.client.key],
    );
    const after = balances(w);
    assert.equal(after.a - before.a, C0);
    assert.equal(after.v, before.v);
    assert.equal(execOf(w, 4n).refundExtra, slashOf(C0) - C0);
  });

  it('frees a task whose node missed its deadline, doubling the deadline each attempt', async () => {
    const w = fork();
    const execution = executionAddress(w.client.key.publicKey, 9n);
    const timeout = DEFAULT_PROTOCOL_PARAMS.completionTimeoutS;
    await w.env.sendAsync(
      [
        requestExecutionIx({
          client: w.client.key.publicKey,
          clientWallet: w.client.wallet,
          model: w.model,
          nonce: 9n,
          maxFee: MAX_FEE,
          inputCommitment: hashOf('input'),
        }),
      ],
      [w.client.key],
    );
    const reassign = (node: PublicKey) =>
      w.env.sendAsync([reassignTaskIx(execution, 0, node)], [w.client.key]);
    await w.env.sendAsync([assignTaskIx(execution, w.model, 0, w.a.key.publicKey, q(w))], w.quorum);
    assert.equal(nodeOf(w, w.a).activeAssignments, 1);
    w.env.advance(timeout - 1n);
    await rejects(() => reassign(w.a.key.publicKey), 'DeadlineNotPassed');
    await rejects(() => reassign(w.v.key.publicKey), 'NotAssignedNode');
    w.env.advance(1n);
    await reassign(w.a.key.publicKey);
    assert.equal(nodeOf(w, w.a).activeAssignments, 0);
    assert.equal(execOf(w, 9n).tasks[0]!.status, 0);
    await rejects(
      () => w.env.sendAsync([reportCompletionIx(w.a.key.publicKey, execution, 0, hashOf('late'))], [w.a.key]),
      'InvalidTaskState',
    );
    // Second attempt: the deadline is twice the timeout.
    await w.env.sendAsync([assignTaskIx(execution, w.model, 0, w.v.key.publicKey, q(w))], w.quorum);
    assert.equal(execOf(w, 9n).tasks[0]!.attempts, 2);
    w.env.advance(timeout);
    await rejects(() => reassign(w.v.key.publicKey), 'DeadlineNotPassed');
    w.env.advance(timeout);
    await reassign(w.v.key.publicKey);
    assert.equal(nodeOf(w, w.v).activeAssignments, 0);
  });

  it('frees a sampled task whose verifier never reports, for another verifier', async () => {
    const w = fork();
    const execution = await reported(w, 11n, hashOf('h'));
    await w.env.sendAsync(
      [decideSamplingIx(execution, w.model, 0, w.v.key.publicKey, q(w), w.a.key.publicKey)],
      w.quorum,
    );
    assert.equal(nodeOf(w, w.v).activeAssignments, 1);
    const reassign = () => w.env.sendAsync([reassignTaskIx(execution, 0, w.v.key.publicKey)], [w.client.key]);
    await rejects(reassign, 'DeadlineNotPassed');
    w.env.advance(DEFAULT_PROTOCOL_PARAMS.completionTimeoutS);
    await rejects(
      () => w.env.sendAsync([reassignTaskIx(execution, 0, w.a.key.publicKey)], [w.client.key]),
      'NotAssignedNode',
    );
    await reassign();
    assert.equal(nodeOf(w, w.v).activeAssignments, 0);
    assert.equal(execOf(w, 11n).tasks[0]!.status, 2, 'back to REPORTED: the commitment stands');
    await w.env.sendAsync(
      [decideSamplingIx(execution, w.model, 0, w.v.key.publicKey, q(w), w.a.key.publicKey)],
      w.quorum,
    );
    await verified(w, execution, hashOf('h'), hashOf('h'));
    assert.equal(execOf(w, 11n).tasks[0]!.status, 5);
  });

  it('never pays a sampled task unverified: a silent verifier loses R x C, the task waits for another', async () => {
    const w = fork();
    const execution = await reported(w, 13n, hashOf('h'));
    await w.env.sendAsync(
      [decideSamplingIx(execution, w.model, 0, w.v.key.publicKey, q(w), w.a.key.publicKey)],
      w.quorum,
    );
    const stakeBefore = nodeOf(w, w.v).staked;
    // The verifier stays silent past its deadline and the challenge window; the worker cranks.
    w.env.advance(DEFAULT_PROTOCOL_PARAMS.completionTimeoutS + w.env.challengeWindow());
    await w.env.sendAsync([reassignTaskIx(execution, 0, w.v.key.publicKey)], [w.a.key]);
    const run = execOf(w, 13n).tasks[0]!;
    assert.equal(run.sampled, 1);
    assert.equal(run.verifierTimeouts, 1);
    assert.equal(nodeOf(w, w.v).staked, stakeBefore - reward(C0), 'the silent verifier pays R x C');
    const before = balances(w);
    const settle = () =>
      w.env.sendAsync(
        [settleTaskIx({ execution, taskIndex: 0, node: w.a.key.publicKey, nodeWallet: w.a.wallet })],
        [w.a.key],
      );
    await rejects(settle, 'SampledUnverified');
    await rejects(
      () =>
        w.env.sendAsync([decideSamplingIx(execution, w.model, 0, null, q(w), w.a.key.publicKey)], w.quorum),
      'AlreadySampled',
    );
    assert.deepEqual(balances(w), before, 'no token moved');
    assert.equal(execOf(w, 13n).tasks[0]!.status, 2);
    // Another verification, and only then the worker is paid.
    await w.env.sendAsync(
      [decideSamplingIx(execution, w.model, 0, w.v.key.publicKey, q(w), w.a.key.publicKey)],
      w.quorum,
    );
    await verified(w, execution, hashOf('h'), hashOf('h'));
    await w.env.sendAsync(
      [
        settleTaskIx({
          execution,
          taskIndex: 0,
          node: w.a.key.publicKey,
          nodeWallet: w.a.wallet,
          verifier: { authority: w.v.key.publicKey, wallet: w.v.wallet },
        }),
      ],
      [w.a.key],
    );
    assert.equal(balances(w).a - before.a, C0);
    // The penalty goes back to the client with its refund.
    assert.equal(execOf(w, 13n).refundExtra, reward(C0));
  });

  it('pays a report the committee left undecided once the challenge window passes', async () => {
    const w = fork();
    const before = balances(w);
    const execution = await reported(w, 12n, hashOf('h'));
    const settle = () =>
      w.env.sendAsync(
        [settleTaskIx({ execution, taskIndex: 1, node: w.b.key.publicKey, nodeWallet: w.b.wallet })],
        [w.client.key],
      );
    await rejects(settle, 'ChallengeWindowOpen');
    assert.equal(execOf(w, 12n).tasks[1]!.status, 2, 'a refused settle changes nothing');
    w.env.advance(w.env.challengeWindow());
    await settle();
    assert.equal(balances(w).b - before.b, C1);
  });

  it('lets the client cancel an execution nobody took and recover its escrow', async () => {
    const w = fork();
    const before = balances(w);
    const execution = executionAddress(w.client.key.publicKey, 5n);
    await w.env.sendAsync(
      [
        requestExecutionIx({
          client: w.client.key.publicKey,
          clientWallet: w.client.wallet,
          model: w.model,
          nonce: 5n,
          maxFee: MAX_FEE,
          inputCommitment: hashOf('input'),
        }),
      ],
      [w.client.key],
    );
    assert.equal(balances(w).vault - before.vault, MAX_FEE);
    await rejects(
      () =>
        w.env.sendAsync(
          [closeExecutionIx(w.client.key.publicKey, execution, w.client.wallet)],
          [w.client.key],
        ),
      'ExecutionNotFinished',
    );
    w.env.advance(DEFAULT_PROTOCOL_PARAMS.assignmentTimeoutS);
    await w.env.sendAsync(
      [closeExecutionIx(w.client.key.publicKey, execution, w.client.wallet)],
      [w.client.key],
    );
    assert.deepEqual(balances(w), before);
  });

  describe('rejections move no tokens', () => {
    let w: World;
    let execution: PublicKey;
    let snapshot: ReturnType<typeof balances>;
    before(async () => {
      w = fork();
      execution = await reported(w, 6n, hashOf('h'));
      snapshot = balances(w);
    });
    const env = () => w.env;
    const same = () => assert.deepEqual(balances(w), snapshot);

    it('request_execution: fee below the worst case, foreign wallet, draft model', async () => {
      const c = w.client;
      const req = (over: Partial<Parameters<typeof requestExecutionIx>[0]>) =>
        requestExecutionIx({
          client: c.key.publicKey,
          clientWallet: c.wallet,
          model: w.model,
          nonce: 7n,
          maxFee: MAX_FEE,
          inputCommitment: hashOf('input'),
          ...over,
        });
      const worst = C0 + reward(C0) + C1 + reward(C1);
      await rejects(() => env().sendAsync([req({ maxFee: worst - 1n })], [c.key]), 'FeeTooLow');
      await rejects(() => env().sendAsync([req({ maxFee: 0n })], [c.key]), 'ZeroAmount');
      // Same nonce as an open execution: no second escrow, no overwrite.
      await rejects(() => env().sendAsync([req({ nonce: 6n })], [c.key]), 'AlreadyInitialized');
      await rejects(
        () => env().sendAsync([req({ clientWallet: w.a.wallet })], [c.key]),
        'InvalidTokenAccount',
      );
      const dev = env().funded();
      const ixs = await registerModelInstructions(dev.publicKey, modelIdFrom('draft'), twoTaskModel());
      env().send([ixs[0]!], [dev]);
      await rejects(
        () => env().sendAsync([req({ model: modelAddress(modelIdFrom('draft')) })], [c.key]),
        'ModelNotRegistered',
      );
      same();
    });

    it('assign_task: no quorum, unspecialized node, busy task run', async () => {
      const fresh = executionAddress(w.client.key.publicKey, 8n);
      await env().sendAsync(
        [
          requestExecutionIx({
            client: w.client.key.publicKey,
            clientWallet: w.client.wallet,
            model: w.model,
            nonce: 8n,
            maxFee: MAX_FEE,
            inputCommitment: hashOf('input'),
          }),
        ],
        [w.client.key],
      );
      snapshot = balances(w);
      const two = w.quorum.slice(0, 2);
      await rejects(
        () =>
          env().sendAsync(
            [
              assignTaskIx(
                fresh,
                w.model,
                0,
                w.a.key.publicKey,
                two.map((k) => k.publicKey),
              ),
            ],
            two,
          ),
        'InsufficientCommitteeSignatures',
      );
      await rejects(
        () => env().sendAsync([assignTaskIx(fresh, w.model, 0, w.b.key.publicKey, q(w))], w.quorum),
        'NotSpecialized',
      );
      await rejects(
        () => env().sendAsync([assignTaskIx(execution, w.model, 0, w.v.key.publicKey, q(w))], w.quorum),
        'InvalidTaskState',
      );
      await rejects(
        () => env().sendAsync([assignTaskIx(fresh, w.model, 2, w.a.key.publicKey, q(w))], w.quorum),
        'InvalidTaskIndex',
      );
      same();
    });

    it('no sampling decision before the commitment, no verdict without a dispute', async () => {
      const fresh = executionAddress(w.client.key.publicKey, 10n);
      await env().sendAsync(
        [
          requestExecutionIx({
            client: w.client.key.publicKey,
            clientWallet: w.client.wallet,
            model: w.model,
            nonce: 10n,
            maxFee: MAX_FEE,
            inputCommitment: hashOf('input'),
          }),
        ],
        [w.client.key],
      );
      snapshot = balances(w);
      await env().sendAsync([assignTaskIx(fresh, w.model, 0, w.a.key.publicKey, q(w))], w.quorum);
      await rejects(
        () =>
          env().sendAsync(
            [decideSamplingIx(fresh, w.model, 0, w.v.key.publicKey, q(w), w.a.key.publicKey)],
            w.quorum,
          ),
        'InvalidTaskState',
      );
      await rejects(
        () =>
          env().sendAsync(
            [resolveDisputeIx(fresh, 0, 'node', w.a.key.publicKey, w.v.key.publicKey, q(w))],
            w.quorum,
          ),
        'InvalidTaskState',
      );
      same();
    });

    it('report_completion and report_verification: only the named node', async () => {
      await rejects(
        () => env().sendAsync([reportCompletionIx(w.v.key.publicKey, execution, 0, hashOf('x'))], [w.v.key]),
        'InvalidTaskState',
      );
      await rejects(
        () =>
          env().sendAsync(
            [reportVerificationIx(w.b.key.publicKey, execution, 0, commitOf(w.b, execution, 0, hashOf('h')))],
            [w.b.key],
          ),
        'InvalidTaskState',
      );
      same();
    });

    it('decide_sampling: the verifier must be another specialized node', async () => {
      await rejects(
        () =>
          env().sendAsync(
            [decideSamplingIx(execution, w.model, 0, w.a.key.publicKey, q(w), w.a.key.publicKey)],
            w.quorum,
          ),
        'VerifierIsNode',
      );
      await rejects(
        () =>
          env().sendAsync(
            [decideSamplingIx(execution, w.model, 0, w.b.key.publicKey, q(w), w.a.key.publicKey)],
            w.quorum,
          ),
        'NotSpecialized',
      );
      await env().sendAsync(
        [decideSamplingIx(execution, w.model, 0, w.v.key.publicKey, q(w), w.a.key.publicKey)],
        w.quorum,
      );
      await rejects(
        () =>
          env().sendAsync(
            [reportVerificationIx(w.b.key.publicKey, execution, 0, commitOf(w.b, execution, 0, hashOf('h')))],
            [w.b.key],
          ),
        'NotAssignedNode',
      );
      same();
    });

    it('settle_task: not before the outcome, never into a wallet the node does not own, never twice', async () => {
      const mallory = env().funded();
      const malloryWallet = env().tokenAccount(mallory.publicKey);
      snapshot = balances(w);
      const settle0 = (nodeWallet: PublicKey) =>
        settleTaskIx({
          execution,
          taskIndex: 0,
          node: w.a.key.publicKey,
          nodeWallet,
          verifier: { authority: w.v.key.publicKey, wallet: w.v.wallet },
        });
      await rejects(() => env().sendAsync([settle0(w.a.wallet)], [mallory]), 'InvalidTaskState');
      await verified(w, execution, hashOf('h'), hashOf('h'));
      await rejects(() => env().sendAsync([settle0(malloryWallet)], [mallory]), 'InvalidTokenAccount');
      assert.equal(env().tokenBalance(malloryWallet), 0n);
      same();
      await env().sendAsync([settle0(w.a.wallet)], [mallory]);
      const paid = balances(w);
      await rejects(() => env().sendAsync([settle0(w.a.wallet)], [mallory]), 'InvalidTaskState');
      assert.deepEqual(balances(w), paid);
      await env().sendAsync(
        [decideSamplingIx(execution, w.model, 1, null, q(w), w.b.key.publicKey)],
        w.quorum,
      );
      await rejects(
        () =>
          env().sendAsync(
            [settleTaskIx({ execution, taskIndex: 1, node: w.b.key.publicKey, nodeWallet: w.b.wallet })],
            [mallory],
          ),
        'ChallengeWindowOpen',
      );
      assert.deepEqual(balances(w), paid);
    });

    it('close_execution: only the client, only when finished', async () => {
      const mallory = env().funded();
      const malloryWallet = env().tokenAccount(mallory.publicKey);
      const before = balances(w);
      const ix = await closeExecutionIx(w.client.key.publicKey, execution, malloryWallet);
      ix.keys[0]!.pubkey = mallory.publicKey;
      await rejects(() => env().send([ix], [mallory]), 'Unauthorized');
      await rejects(
        () =>
          env().sendAsync(
            [closeExecutionIx(w.client.key.publicKey, execution, w.client.wallet)],
            [w.client.key],
          ),
        'ExecutionNotFinished',
      );
      assert.deepEqual(balances(w), before);
      assert.equal(env().tokenBalance(malloryWallet), 0n);
    });
  });
});
