import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { Keypair, PublicKey, SystemProgram } from '@solana/web3.js';
import { accountData } from '../../../../programs/runtime/funding.js';
import { configAddress, decodeConfig, updateCommitteeIx } from '../../../../programs/splitup/client/index.js';
import { type Env, initializedEnv, rejects } from './harness.js';

describe('update_committee', () => {
  let base: Env;
  before(async () => {
    base = await initializedEnv();
  });
  const config = (env: Env) => decodeConfig(accountData(env.svm, configAddress())!.data);
  const fresh = () => Array.from({ length: 5 }, () => Keypair.generate().publicKey);

  it('lets the admin replace the committee, with the default threshold', async () => {
    const env = base.fork();
    const next = fresh();
    await env.sendAsync(
      [updateCommitteeIx({ authority: env.admin.publicKey, committee: next })],
      [env.admin],
    );
    const c = config(env);
    assert.equal(c.committeeLen, 5);
    assert.equal(c.threshold, 4);
    assert.equal(c.committeeEpoch, 1n);
    assert.ok(c.committee[4]!.equals(next[4]!));
    assert.ok(c.committee[5]!.equals(PublicKey.default));
  });

  it('clears the slots of a larger previous committee', async () => {
    const env = base.fork();
    const [one] = fresh();
    await env.sendAsync(
      [updateCommitteeIx({ authority: env.admin.publicKey, committee: [one!] })],
      [env.admin],
    );
    const c = config(env);
    assert.equal(c.committeeLen, 1);
    assert.equal(c.threshold, 1);
    assert.ok(c.committee[1]!.equals(PublicKey.default));
  });

  it('lets a threshold (3 of 4) of the committee replace it', async () => {
    const env = base.fork();
    const [a, b, c] = env.committee as [Keypair, Keypair, Keypair];
    await env.sendAsync(
      [
        updateCommitteeIx({
          authority: a.publicKey,
          coSigners: [b.publicKey, c.publicKey],
          committee: fresh(),
        }),
      ],
      [a, b, c],
    );
    assert.equal(config(env).committeeEpoch, 1n);
  });

  it('refuses fewer than the threshold, even with a member counted twice', async () => {
    const env = base.fork();
    const [a, b] = env.committee as [Keypair, Keypair];
    const outsider = env.funded();
    await rejects(
      () =>
        env.sendAsync(
          [updateCommitteeIx({ authority: a.publicKey, coSigners: [b.publicKey], committee: fresh() })],
          [a, b],
        ),
      'InsufficientCommitteeSignatures',
    );
    await rejects(
      () =>
        env.sendAsync(
          [
            updateCommitteeIx({
              authority: a.publicKey,
              coSigners: [b.publicKey, b.publicKey, outsider.publicKey],
              committee: fresh(),
            }),
          ],
          [a, b, outsider],
        ),
      'InsufficientCommitteeSignatures',
    );
    await rejects(
      () =>
        env.sendAsync([updateCommitteeIx({ authority: outsider.publicKey, committee: fresh() })], [outsider]),
      'InsufficientCommitteeSignatures',
    );
    assert.equal(config(env).committeeEpoch, 0n);
  });

  it('does not count members listed but not signing', async () => {
    const env = base.fork();
    const [a, b, c] = env.committee as [Keypair, Keypair, Keypair];
    const ix = await updateCommitteeIx({
      authority: a.publicKey,
      coSigners: [b.publicKey, c.publicKey],
      committee: fresh(),
    });
    ix.keys[3]!.isSigner = false;
    await rejects(() => env.send([ix], [a, b]), 'InsufficientCommitteeSignatures');
  });

  it('validates the new committee like initialize does', async () => {
    const env = base.fork();
    const [x] = fresh();
    await rejects(
      () =>
        env.sendAsync([updateCommitteeIx({ authority: env.admin.publicKey, committee: [] })], [env.admin]),
      'InvalidCommittee',
    );
    await rejects(
      () =>
        env.sendAsync(
          [updateCommitteeIx({ authority: env.admin.publicKey, committee: [x!, x!] })],
          [env.admin],
        ),
      'InvalidCommittee',
    );
    await rejects(
      () =>
        env.sendAsync(
          [updateCommitteeIx({ authority: env.admin.publicKey, committee: fresh(), threshold: 2 })],
          [env.admin],
        ),
      'InvalidThreshold',
    );
  });

  it('requires the authority to sign and the config to be writable', async () => {
    const env = base.fork();
    const payer = env.funded();
    const unsigned = await updateCommitteeIx({ authority: env.admin.publicKey, committee: fresh() });
    unsigned.keys[0]!.isSigner = false;
    await rejects(() => env.send([unsigned], [payer]), 'MissingSigner');
    const readOnly = await updateCommitteeIx({ authority: env.admin.publicKey, committee: fresh() });
    readOnly.keys[1]!.isWritable = false;
    await rejects(() => env.send([readOnly], [env.admin]), 'AccountNotWritable');
  });

  it('refuses a forged config that the program does not own', async () => {
    const env = base.fork();
    const attacker = env.funded();
    const forged = Keypair.generate();
    // A byte-for-byte copy of the real config, naming the attacker admin, owned by the System program.
    const real = accountData(env.svm, configAddress())!.data;
    const copy = Buffer.from(real);
    attacker.publicKey.toBuffer().copy(copy, 8);
    env.send(
      [
        SystemProgram.createAccount({
          fromPubkey: attacker.publicKey,
          newAccountPubkey: forged.publicKey,
          lamports: Number(env.svm.minimumBalanceForRentExemption(BigInt(copy.length))),
          space: copy.length,
          programId: SystemProgram.programId,
        }),
      ],
      [attacker, forged],
    );
    const ix = await updateCommitteeIx({ authority: attacker.publicKey, committee: fresh() });
    ix.keys[1]!.pubkey = forged.publicKey;
    await rejects(() => env.send([ix], [attacker]), 'InvalidOwner');
  });
});
