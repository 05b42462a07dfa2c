// Identity-bound commit-reveal on sampled tasks (issue 11, property 3), in the real program: each
// commitment names its committer's key, nothing is revealed before both parties committed, the
// verifier reveals first and the node second, and whoever stays silent loses.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { before, describe, it } from 'node:test';
import { Keypair, type PublicKey } from '@solana/web3.js';
import { accountData, balanceOf } from '../../../../programs/runtime/funding.js';
import {
  assignTaskIx,
  closeExecutionIx,
  commitmentOf,
  DEFAULT_PROTOCOL_PARAMS,
  decideSamplingIx,
  decodeExecution,
  decodeNode,
  executionAddress,
  nodeAddress,
  REVEALED_NODE,
  REVEALED_VERIFIER,
  reportCompletionIx,
  reportVerificationIx,
  requestExecutionIx,
  revealOutputIx,
  revealTimeoutIx,
  revealWindowS,
  SplitupClientError,
  settleTaskIx,
  TASK_DISPUTED,
  TASK_MATCHED,
  TASK_REPORTED,
  TASK_RESOLVED,
  TASK_REVEALING,
  TASK_UNSAMPLED,
} from '../../../../programs/splitup/client/index.js';
import { isCodedError } from '../../../../storage/errors/index.js';
import { rejects } from './harness.js';
import {
  type Actor,
  C0,
  commitOf,
  executionWorld,
  hashOf,
  MAX_FEE,
  revealIx,
  STAKE,
  saltOf,
  type World,
} from './world.js';

const R_BPS = BigInt(DEFAULT_PROTOCOL_PARAMS.verifierRewardBps);
const S_BPS = BigInt(DEFAULT_PROTOCOL_PARAMS.slashBps);
const reward = (c: bigint) => (c * R_BPS) / 10_000n;
const slashOf = (c: bigint) => (c * S_BPS) / 10_000n;
const WINDOW = revealWindowS(DEFAULT_PROTOCOL_PARAMS);
/** Execution account bytes: discriminator + Execution (1744, TaskRun grew 192 → 200 for the reveal). */
const EXECUTION_ACCOUNT_BYTES = 8 + 1744;

describe('commit-reveal of sampled tasks', () => {
  let world: World;
  before(async () => {
    world = await executionWorld();
  });
  const fork = (): World => ({ ...world, env: world.env.fork() });
  const balances = (w: World) => ({
    a: w.env.tokenBalance(w.a.wallet),
    b: w.env.tokenBalance(w.b.wallet),
    v: w.env.tokenBalance(w.v.wallet),
    client: w.env.tokenBalance(w.client.wallet),
    vault: w.env.vaultBalance(),
  });
  const nodeOf = (w: World, who: Actor) =>
    decodeNode(accountData(w.env.svm, nodeAddress(who.key.publicKey))!.data);
  const q = (w: World) => w.quorum.map((k) => k.publicKey);
  const runOf = (w: World, execution: PublicKey) =>
    decodeExecution(accountData(w.env.svm, execution)!.data).tasks[0]!;
  const parties = (w: World) => ({ node: w.a, verifier: w.v });
  const send = (w: World, ix: Parameters<World['env']['sendAsync']>[0][number], who: Actor | Keypair) =>
    w.env.sendAsync([ix], ['key' in who ? who.key : who]);

  /** Request, A assigned t0 and committed to `nodeHash`; sampled with V as verifier unless `sample` is false. */
  async function sampled(w: World, nonce: bigint, nodeHash: Buffer, sample = true): Promise<PublicKey> {
    const execution = executionAddress(w.client.key.publicKey, nonce);
    await send(
      w,
      requestExecutionIx({
        client: w.client.key.publicKey,
        clientWallet: w.client.wallet,
        model: w.model,
        nonce,
        maxFee: MAX_FEE,
        inputCommitment: hashOf('input'),
      }),
      w.client,
    );
    await w.env.sendAsync([assignTaskIx(execution, w.model, 0, w.a.key.publicKey, q(w))], w.quorum);
    await send(
      w,
      reportCompletionIx(w.a.key.publicKey, execution, 0, commitOf(w.a, execution, 0, nodeHash)),
      w.a,
    );
    if (sample)
      await w.env.sendAsync(
        [decideSamplingIx(execution, w.model, 0, w.v.key.publicKey, q(w), w.a.key.publicKey)],
        w.quorum,
      );
    return execution;
  }

  const verifierCommits = (w: World, execution: PublicKey, commitment: Uint8Array) =>
    send(w, reportVerificationIx(w.v.key.publicKey, execution, 0, commitment), w.v);
  const settle0 = (w: World, execution: PublicKey) =>
    send(
      w,
      settleTaskIx({
        execution,
        taskIndex: 0,
        node: w.a.key.publicKey,
        nodeWallet: w.a.wallet,
        verifier: { authority: w.v.key.publicKey, wallet: w.v.wallet },
      }),
      w.client,
    );

  it('computes the commitment the program checks, and refuses parts of the wrong size', () => {
    const committer = Keypair.generate().publicKey;
    const execution = Keypair.generate().publicKey;
    const outputHash = hashOf('out');
    const salt = hashOf('salt');
    const expected = createHash('sha256')
      .update(Buffer.from('splitup/commit/1'))
      .update(committer.toBuffer())
      .update(execution.toBuffer())
      .update(Buffer.of(3))
      .update(outputHash)
      .update(salt)
      .digest();
    assert.deepEqual(
      Buffer.from(commitmentOf({ committer, execution, taskIndex: 3, outputHash, salt })),
      expected,
    );
    const other = Keypair.generate().publicKey;
    assert.notDeepEqual(
      commitmentOf({ committer: other, execution, taskIndex: 3, outputHash, salt }),
      expected,
    );
    for (const bad of [
      { outputHash: outputHash.subarray(1), salt, taskIndex: 0 },
      { outputHash, salt: new Uint8Array(31), taskIndex: 0 },
      { outputHash, salt, taskIndex: 256 },
    ])
      assert.throws(
        () => commitmentOf({ committer, execution, ...bad }),
        (e: unknown) =>
          e instanceof SplitupClientError && isCodedError(e, 'PROGRAM_CLIENT_INVALID_COMMITMENT_PART'),
      );
  });

  it('matches through commit, commit, reveal, reveal; the account stays rent-exempt at its new size', async () => {
    const w = fork();
    const before = balances(w);
    const execution = await sampled(w, 1n, hashOf('h'));
    const acc = accountData(w.env.svm, execution)!;
    assert.equal(acc.data.length, EXECUTION_ACCOUNT_BYTES);
    assert.ok(
      balanceOf(w.env.svm, execution) >=
        w.env.svm.minimumBalanceForRentExemption(BigInt(EXECUTION_ACCOUNT_BYTES)),
    );
    await verifierCommits(w, execution, commitOf(w.v, execution, 0, hashOf('h')));
    let run = runOf(w, execution);
    assert.equal(run.status, TASK_REVEALING);
    assert.deepEqual(
      run.outputHash,
      [...commitOf(w.a, execution, 0, hashOf('h'))],
      'the node hash is not public',
    );
    await send(w, revealIx(w.v, execution, 0, hashOf('h'), parties(w)), w.v);
    run = runOf(w, execution);
    assert.equal(run.revealed, REVEALED_VERIFIER);
    assert.deepEqual(run.verifierHash, [...hashOf('h')], 'the revealed hash replaces the commitment');
    await send(w, revealIx(w.a, execution, 0, hashOf('h'), parties(w)), w.a);
    run = runOf(w, execution);
    assert.equal(run.status, TASK_MATCHED);
    assert.equal(run.revealed, REVEALED_VERIFIER | REVEALED_NODE);
    assert.deepEqual(run.outputHash, [...hashOf('h')]);
    await settle0(w, execution);
    const after = balances(w);
    assert.equal(after.a - before.a, C0);
    assert.equal(after.v - before.v, reward(C0));
  });

  it('a lazy verifier that copies the node commitment can never reveal it: penalised R x C, paid nothing', async () => {
    const w = fork();
    const execution = await sampled(w, 2n, hashOf('h'));
    // The lazy verifier copies what is public: the node's commitment on chain.
    const copied = Uint8Array.from(runOf(w, execution).outputHash);
    await verifierCommits(w, execution, copied);
    const before = balances(w);
    const stakeBefore = nodeOf(w, w.v).staked;
    // Whatever it reveals, its own key is in the hash: not even the node's salt (were it leaked) opens it.
    await rejects(
      () => send(w, revealIx(w.v, execution, 0, hashOf('h'), parties(w)), w.v),
      'CommitmentMismatch',
    );
    const withNodeSalt = revealOutputIx({
      authority: w.v.key.publicKey,
      execution,
      taskIndex: 0,
      outputHash: hashOf('h'),
      salt: saltOf(w.a),
      node: w.a.key.publicKey,
      verifier: w.v.key.publicKey,
    });
    await rejects(() => send(w, withNodeSalt, w.v), 'CommitmentMismatch');
    // The node keeps its hash secret: it reveals only after the verifier.
    await rejects(
      () => send(w, revealIx(w.a, execution, 0, hashOf('h'), parties(w)), w.a),
      'RevealOutOfTurn',
    );
    await rejects(() => settle0(w, execution), 'InvalidTaskState');
    const crank = (party: Actor) => send(w, revealTimeoutIx(execution, 0, party.key.publicKey), w.client);
    await rejects(() => crank(w.v), 'DeadlineNotPassed');
    w.env.advance(WINDOW - 1n);
    await rejects(() => crank(w.v), 'DeadlineNotPassed');
    w.env.advance(1n);
    await rejects(() => crank(w.a), 'NotAssignedNode');
    await crank(w.v);
    assert.equal(nodeOf(w, w.v).staked, stakeBefore - reward(C0), 'the lazy verifier loses R x C');
    assert.equal(nodeOf(w, w.v).activeAssignments, 0);
    const run = runOf(w, execution);
    assert.equal(run.status, TASK_REPORTED);
    assert.equal(run.sampled, 1);
    assert.equal(run.verifierTimeouts, 1);
    assert.equal(run.revealed, 0);
    assert.deepEqual(
      run.outputHash,
      [...commitOf(w.a, execution, 0, hashOf('h'))],
      'still only the commitment',
    );
    await rejects(() => settle0(w, execution), 'SampledUnverified');
    assert.deepEqual(balances(w), before, 'no token moved to anyone');
    // The task waits for a real verification; the penalty goes to the client.
    await w.env.sendAsync(
      [decideSamplingIx(execution, w.model, 0, w.v.key.publicKey, q(w), w.a.key.publicKey)],
      w.quorum,
    );
    await verifierCommits(w, execution, commitOf(w.v, execution, 0, hashOf('h')));
    await send(w, revealIx(w.v, execution, 0, hashOf('h'), parties(w)), w.v);
    await send(w, revealIx(w.a, execution, 0, hashOf('h'), parties(w)), w.a);
    await settle0(w, execution);
    assert.equal(decodeExecution(accountData(w.env.svm, execution)!.data).refundExtra, reward(C0));
    assert.equal(balances(w).v - before.v, reward(C0), 'paid only for the verification it computed');
  });

  it('refuses any reveal before both committed, and on an unsampled task', async () => {
    const w = fork();
    const execution = await sampled(w, 3n, hashOf('h'), false);
    const snapshot = balances(w);
    const nodeReveal = () => send(w, revealIx(w.a, execution, 0, hashOf('h'), parties(w)), w.a);
    await rejects(nodeReveal, 'InvalidTaskState'); // REPORTED: only the node committed
    await rejects(
      () => send(w, revealTimeoutIx(execution, 0, w.a.key.publicKey), w.client),
      'InvalidTaskState',
    );
    await w.env.sendAsync(
      [decideSamplingIx(execution, w.model, 0, w.v.key.publicKey, q(w), w.a.key.publicKey)],
      w.quorum,
    );
    // VERIFYING: the verifier has not committed; neither may reveal.
    await rejects(nodeReveal, 'InvalidTaskState');
    await rejects(
      () => send(w, revealIx(w.v, execution, 0, hashOf('h'), parties(w)), w.v),
      'InvalidTaskState',
    );
    assert.deepEqual(balances(w), snapshot);
    const unsampled = await sampled(w, 4n, hashOf('h'), false);
    const escrowed = balances(w);
    await w.env.sendAsync([decideSamplingIx(unsampled, w.model, 0, null, q(w), w.a.key.publicKey)], w.quorum);
    assert.equal(runOf(w, unsampled).status, TASK_UNSAMPLED);
    await rejects(
      () => send(w, revealIx(w.a, unsampled, 0, hashOf('h'), { node: w.a, verifier: w.a }), w.a),
      'InvalidTaskState',
    );
    assert.deepEqual(balances(w), escrowed);
  });

  it('refuses a wrong preimage (salt, hash, task), a second reveal, and a stranger', async () => {
    const w = fork();
    const execution = await sampled(w, 5n, hashOf('h'));
    await verifierCommits(w, execution, commitOf(w.v, execution, 0, hashOf('h')));
    const snapshot = balances(w);
    const reveal = (authority: Keypair, over: Partial<Parameters<typeof revealOutputIx>[0]>) =>
      w.env.sendAsync(
        [
          revealOutputIx({
            authority: authority.publicKey,
            execution,
            taskIndex: 0,
            outputHash: hashOf('h'),
            salt: saltOf(w.v),
            node: w.a.key.publicKey,
            verifier: w.v.key.publicKey,
            ...over,
          }),
        ],
        [authority],
      );
    await rejects(() => reveal(w.v.key, { salt: hashOf('guess') }), 'CommitmentMismatch');
    await rejects(() => reveal(w.v.key, { outputHash: hashOf('other') }), 'CommitmentMismatch');
    await rejects(() => reveal(w.v.key, { taskIndex: 1 }), 'InvalidTaskState'); // t1 was never sampled
    // Strangers: another node, a fresh key, and the right signer with someone else's node account.
    await rejects(() => reveal(w.b.key, { salt: saltOf(w.b) }), 'NotAssignedNode');
    const mallory = w.env.funded();
    await rejects(() => reveal(mallory, {}), 'NotAssignedNode');
    await rejects(() => reveal(w.v.key, { node: w.b.key.publicKey }), 'NotAssignedNode');
    assert.equal(runOf(w, execution).revealed, 0);
    await reveal(w.v.key, {});
    await rejects(() => reveal(w.v.key, {}), 'AlreadyRevealed');
    await rejects(() => reveal(w.a.key, { salt: hashOf('guess') }), 'CommitmentMismatch');
    await rejects(
      () => reveal(w.a.key, { salt: saltOf(w.a), outputHash: hashOf('other') }),
      'CommitmentMismatch',
    );
    const run = runOf(w, execution);
    assert.equal(run.status, TASK_REVEALING);
    assert.equal(run.revealed, REVEALED_VERIFIER);
    assert.deepEqual(balances(w), snapshot, 'no token moved');
  });

  it('a node that does not reveal after the verifier did is slashed S x C; the verifier is paid from the slash', async () => {
    const w = fork();
    const before = balances(w);
    const execution = await sampled(w, 6n, hashOf('h'));
    await verifierCommits(w, execution, commitOf(w.v, execution, 0, hashOf('h')));
    w.env.advance(WINDOW - 1n); // the verifier reveals late in its turn: the node's turn starts then
    await send(w, revealIx(w.v, execution, 0, hashOf('h'), parties(w)), w.v);
    const crank = (party: Actor) => send(w, revealTimeoutIx(execution, 0, party.key.publicKey), w.client);
    w.env.advance(WINDOW - 1n);
    await rejects(() => crank(w.a), 'DeadlineNotPassed');
    const snapshot = balances(w);
    w.env.advance(1n);
    await rejects(() => crank(w.v), 'NotAssignedNode');
    await crank(w.a);
    assert.deepEqual(balances(w), snapshot, 'the crank itself moves no token');
    const a = nodeOf(w, w.a);
    assert.equal(a.slashed, true);
    assert.equal(a.staked, STAKE - slashOf(C0));
    assert.equal(runOf(w, execution).status, TASK_RESOLVED);
    // Too late now: the node cannot reveal after the crank.
    await rejects(
      () => send(w, revealIx(w.a, execution, 0, hashOf('h'), parties(w)), w.a),
      'InvalidTaskState',
    );
    await settle0(w, execution);
    // t1 was never assigned and has expired by now: the client closes and takes its refund.
    await send(w, closeExecutionIx(w.client.key.publicKey, execution, w.client.wallet), w.client);
    const after = balances(w);
    assert.equal(after.a, before.a, 'the silent node earns nothing');
    assert.equal(after.v - before.v, reward(C0), 'the verifier gets R x C from the slash');
    assert.equal(
      after.client - before.client,
      slashOf(C0) - reward(C0),
      'the client pays nothing, gets the rest',
    );
  });

  it('a verifier that commits but does not reveal loses R x C; the node hash stays secret for the next one', async () => {
    const w = fork();
    const execution = await sampled(w, 7n, hashOf('h'));
    await verifierCommits(w, execution, commitOf(w.v, execution, 0, hashOf('h')));
    const snapshot = balances(w);
    const stakeBefore = nodeOf(w, w.v).staked;
    w.env.advance(WINDOW);
    await send(w, revealTimeoutIx(execution, 0, w.v.key.publicKey), w.a);
    assert.equal(nodeOf(w, w.v).staked, stakeBefore - reward(C0));
    assert.equal(nodeOf(w, w.v).slashed, false, 'a penalty, not a slash: it may verify again');
    const run = runOf(w, execution);
    assert.equal(run.status, TASK_REPORTED);
    assert.deepEqual(run.verifierHash, Array(32).fill(0));
    assert.deepEqual(run.outputHash, [...commitOf(w.a, execution, 0, hashOf('h'))]);
    await rejects(() => settle0(w, execution), 'SampledUnverified');
    await rejects(
      () => send(w, revealIx(w.a, execution, 0, hashOf('h'), parties(w)), w.a),
      'InvalidTaskState',
    );
    assert.deepEqual(balances(w), snapshot, 'no token moved');
  });

  it('a mismatch revealed by both goes to the committee as before', async () => {
    const w = fork();
    const execution = await sampled(w, 8n, hashOf('wrong'));
    await verifierCommits(w, execution, commitOf(w.v, execution, 0, hashOf('h')));
    await send(w, revealIx(w.v, execution, 0, hashOf('h'), parties(w)), w.v);
    const snapshot = balances(w);
    await send(w, revealIx(w.a, execution, 0, hashOf('wrong'), parties(w)), w.a);
    assert.equal(runOf(w, execution).status, TASK_DISPUTED);
    assert.equal(nodeOf(w, w.a).openDisputes, 1);
    assert.equal(nodeOf(w, w.v).openDisputes, 1);
    await rejects(() => settle0(w, execution), 'InvalidTaskState');
    await rejects(
      () => send(w, revealTimeoutIx(execution, 0, w.a.key.publicKey), w.client),
      'InvalidTaskState',
    );
    assert.deepEqual(balances(w), snapshot);
  });
});
