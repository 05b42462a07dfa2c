// submit_vote in the real program: each member's own vote transaction, accumulated per round; the
// attacks (non-member, duplicate, equivocation, a forging minority, a stranger's account) fail
// and leave the round account as it was.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { before, describe, it } from 'node:test';
import { Keypair, SystemProgram } from '@solana/web3.js';
import { accountData, balanceOf } from '../../../../programs/runtime/funding.js';
import {
  decodeRoundCertificate,
  type RoundCertificateAccount,
  roundAddress,
  roundCertificateSpace,
  SPLITUP_PROGRAM_ID,
  SplitupClientErrorCode,
  submitVoteIx,
  type TableVote,
  updateCommitteeIx,
} from '../../../../programs/splitup/client/index.js';
import { isCodedError } from '../../../../storage/errors/index.js';
import { type Env, initializedEnv, rejects } from './harness.js';

const ROUND = 7n;
const table = (taskCount = 3): TableVote => ({ tableRoot: randomBytes(32), taskCount });

function vote(env: Env, member: Keypair, v: TableVote, round = ROUND) {
  return env.sendAsync([submitVoteIx({ member: member.publicKey, round, ...v })], [member]);
}

function certificate(env: Env, round = ROUND): RoundCertificateAccount | undefined {
  const acc = accountData(env.svm, roundAddress(round));
  return acc === undefined ? undefined : decodeRoundCertificate(acc.data);
}

function roundBytes(env: Env, round = ROUND): Uint8Array | undefined {
  return accountData(env.svm, roundAddress(round))?.data.slice();
}

describe('submit_vote', () => {
  let base: Env;
  before(async () => {
    base = await initializedEnv();
  });
  const members = (env: Env) => env.committee as [Keypair, Keypair, Keypair, Keypair];

  it('opens the round with the first vote, paid by that member, under the current committee', async () => {
    const env = base.fork();
    const [a] = members(env);
    const before = balanceOf(env.svm, a.publicKey);
    const v = table();
    await vote(env, a, v);
    const c = certificate(env)!;
    assert.equal(accountData(env.svm, roundAddress(ROUND))!.owner, SPLITUP_PROGRAM_ID.toBase58());
    assert.equal(accountData(env.svm, roundAddress(ROUND))!.data.length, roundCertificateSpace());
    assert.ok(balanceOf(env.svm, a.publicKey) < before - 5000n, 'the first voter paid the rent');
    assert.equal(c.round, ROUND);
    assert.equal(c.voted, 0b1);
    assert.equal(c.committeeLen, 4);
    assert.equal(c.threshold, 3);
    assert.equal(c.committeeEpoch, 0n);
    assert.equal(c.certified, false);
    assert.deepEqual(c.votes[0], { tableRoot: [...v.tableRoot], taskCount: v.taskCount });
  });

  it('certifies when 3 of 4 distinct members vote the same table, and closes the round', async () => {
    const env = base.fork();
    const [a, b, c, d] = members(env);
    const v = table(5);
    await vote(env, a, v);
    await vote(env, b, v);
    assert.equal(certificate(env)!.certified, false, '2 of 4 do not certify');
    env.advance(3n);
    await vote(env, c, v);
    const cert = certificate(env)!;
    assert.equal(cert.certified, true);
    assert.deepEqual(cert.certifiedRoot, [...v.tableRoot]);
    assert.equal(cert.certifiedTaskCount, 5);
    assert.equal(cert.certifiedAt, env.svm.getClock().unixTimestamp);
    const held = roundBytes(env);
    await rejects(() => vote(env, d, v), 'RoundCertified');
    assert.deepEqual(roundBytes(env), held);
  });

  it('refuses a vote from a key outside the committee, creating nothing', async () => {
    const env = base.fork();
    const stranger = env.funded();
    await rejects(() => vote(env, stranger, table()), 'NotCommitteeMember');
    assert.equal(certificate(env), undefined);
    const [a] = members(env);
    await vote(env, a, table());
    const held = roundBytes(env);
    await rejects(() => vote(env, stranger, table()), 'NotCommitteeMember');
    assert.deepEqual(roundBytes(env), held);
  });

  it("refuses a vote cast in a member's name without its signature", async () => {
    const env = base.fork();
    const [a] = members(env);
    const stranger = env.funded();
    const ix = await submitVoteIx({ member: a.publicKey, round: ROUND, ...table() });
    ix.keys[0]!.isSigner = false;
    await rejects(() => env.send([ix], [stranger]), 'MissingSigner');
    assert.equal(certificate(env), undefined);
  });

  it('refuses to build a vote that is not a u64 round, a 32-byte root and a u32 count', () => {
    const [a] = members(base);
    const bad = (input: Partial<Parameters<typeof submitVoteIx>[0]>) => () =>
      submitVoteIx({ member: a.publicKey, round: ROUND, ...table(), ...input });
    const refused = (err: unknown) => isCodedError(err, SplitupClientErrorCode.INVALID_VOTE);
    assert.throws(bad({ tableRoot: new Uint8Array(31) }), refused);
    assert.throws(bad({ taskCount: 2 ** 32 }), refused);
    assert.throws(bad({ taskCount: -1 }), refused);
    assert.throws(() => roundAddress(-1n), refused);
    assert.throws(() => roundAddress(1n << 64n), refused);
  });

  it('refuses the same vote twice: it counts once', async () => {
    const env = base.fork();
    const [a, b] = members(env);
    const v = table();
    await vote(env, a, v);
    await vote(env, b, v);
    const held = roundBytes(env);
    await rejects(() => vote(env, a, v), 'AlreadyVoted');
    await rejects(() => vote(env, b, v), 'AlreadyVoted');
    assert.deepEqual(roundBytes(env), held);
    assert.equal(certificate(env)!.certified, false);
  });

  it('counts neither vote of a member that votes two tables, and keeps both as evidence', async () => {
    const env = base.fork();
    const [a, b, c, d] = members(env);
    const honest = table();
    const other = table();
    await vote(env, a, honest);
    await vote(env, a, other);
    let cert = certificate(env)!;
    assert.equal(cert.equivocators, 0b1);
    assert.deepEqual(cert.votes[0]!.tableRoot, [...honest.tableRoot]);
    assert.deepEqual(cert.conflicts[0]!.tableRoot, [...other.tableRoot]);
    const held = roundBytes(env);
    await rejects(() => vote(env, a, honest), 'AlreadyVoted');
    await rejects(() => vote(env, a, table()), 'AlreadyVoted');
    assert.deepEqual(roundBytes(env), held);
    // a's first vote no longer counts: b and c make 2 of the 3 needed.
    await vote(env, b, honest);
    await vote(env, c, honest);
    assert.equal(certificate(env)!.certified, false);
    await vote(env, d, honest);
    cert = certificate(env)!;
    assert.equal(cert.certified, true);
    assert.equal(cert.equivocators, 0b1, 'the evidence outlives the certificate');
  });

  it('never certifies a table 2 of 4 members forge, however they vote', async () => {
    const env = base.fork();
    const [a, b, c, d] = members(env);
    const forged = table();
    await vote(env, a, forged);
    await vote(env, b, forged);
    await vote(env, c, table());
    await rejects(() => vote(env, a, forged), 'AlreadyVoted');
    await vote(env, d, table());
    const cert = certificate(env)!;
    assert.equal(cert.certified, false);
    assert.equal(cert.voted, 0b1111);
    assert.deepEqual(cert.certifiedRoot, Array(32).fill(0));
  });

  it('lets a stranger neither block nor forge the round account', async () => {
    const env = base.fork();
    const [a, b, c] = members(env);
    const stranger = env.funded();
    // Lamports sent to the round's address first: the first vote still opens it.
    env.send(
      [
        SystemProgram.transfer({
          fromPubkey: stranger.publicKey,
          toPubkey: roundAddress(ROUND),
          lamports: Number(env.svm.minimumBalanceForRentExemption(0n)),
        }),
      ],
      [stranger],
    );
    // An account the stranger made, owned by the program but at another address: zeros, refused.
    const fake = Keypair.generate();
    env.send(
      [
        SystemProgram.createAccount({
          fromPubkey: stranger.publicKey,
          newAccountPubkey: fake.publicKey,
          lamports: Number(env.svm.minimumBalanceForRentExemption(BigInt(roundCertificateSpace()))),
          space: roundCertificateSpace(),
          programId: SPLITUP_PROGRAM_ID,
        }),
      ],
      [stranger, fake],
    );
    const v = table();
    const onto = (member: Keypair, roundAccount: typeof fake.publicKey) =>
      env.sendAsync([submitVoteIx({ member: member.publicKey, round: ROUND, roundAccount, ...v })], [member]);
    await rejects(() => onto(a, fake.publicKey), 'InvalidDiscriminator');
    // An empty system account at another address is not the round's PDA.
    await rejects(() => onto(a, Keypair.generate().publicKey), 'InvalidPda');
    await vote(env, a, v);
    await vote(env, b, v);
    await vote(env, c, v);
    assert.equal(certificate(env)!.certified, true);
    // A real certificate of one round never stands in for another.
    await vote(env, a, table(), ROUND + 1n);
    await rejects(
      () =>
        env.sendAsync(
          [submitVoteIx({ member: b.publicKey, round: ROUND + 1n, roundAccount: roundAddress(ROUND), ...v })],
          [b],
        ),
      'InvalidPda',
    );
  });

  it('restarts an uncertified tally when the committee changes', async () => {
    const env = base.fork();
    const [a, b, c] = members(env);
    const v = table();
    await vote(env, a, v);
    await vote(env, b, v);
    await env.sendAsync(
      [
        updateCommitteeIx({
          authority: env.admin.publicKey,
          committee: env.committee.map((k) => k.publicKey),
        }),
      ],
      [env.admin],
    );
    await vote(env, c, v);
    const cert = certificate(env)!;
    assert.equal(cert.committeeEpoch, 1n);
    assert.equal(cert.voted, 0b100, 'votes under the old committee are dropped');
    assert.equal(cert.certified, false);
    await vote(env, a, v);
    await vote(env, b, v);
    assert.equal(certificate(env)!.certified, true);
  });
});
