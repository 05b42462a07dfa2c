import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { Keypair, PublicKey, type TransactionInstruction } from '@solana/web3.js';
import { accountData, airdrop } from '../../../../programs/runtime/funding.js';
import {
  configAddress,
  DEFAULT_PROTOCOL_PARAMS,
  decodeConfig,
  defaultThreshold,
  initializeIx,
  minimumVerifyProbabilityBps,
  type ProtocolParams,
  SEED_EXAMPLE_PARAMS,
  securityConditionHolds,
  vaultAddress,
} from '../../../../programs/splitup/client/index.js';
import { layoutStructs } from '../../../../programs/splitup/schema/layout.js';
import { structs } from '../../../../programs/splitup/schema/splitup.js';
import { deployedEnv, type Env, rejects } from './harness.js';

/** Where InitializeArgs.committee_len sits in the instruction data (after the discriminator). */
const COMMITTEE_LEN_AT =
  8 +
  layoutStructs(structs)
    .get('InitializeArgs')!
    .fields.find((f) => f.name === 'committee_len')!.offset;

describe('initialize', () => {
  let base: Env;
  before(() => {
    base = deployedEnv();
  });

  const ix = (env: Env, over: Partial<Parameters<typeof initializeIx>[0]> = {}) =>
    initializeIx({
      admin: env.admin.publicKey,
      mint: env.mint.publicKey,
      committee: env.committee.map((k) => k.publicKey),
      params: DEFAULT_PROTOCOL_PARAMS,
      ...over,
    });
  const withParams = (p: Partial<ProtocolParams>) => ({ params: { ...DEFAULT_PROTOCOL_PARAMS, ...p } });
  const patched = async (env: Env, edit: (i: TransactionInstruction) => void) => {
    const i = await ix(env);
    edit(i);
    return i;
  };

  it('creates the config and vault with the default parameters', async () => {
    const env = base.fork();
    await env.sendAsync([ix(env)], [env.admin]);
    const config = decodeConfig(accountData(env.svm, configAddress())!.data);
    assert.ok(config.admin.equals(env.admin.publicKey));
    assert.ok(config.mint.equals(env.mint.publicKey));
    assert.ok(config.vault.equals(vaultAddress()));
    assert.equal(config.committeeLen, 4);
    assert.equal(config.threshold, defaultThreshold(4));
    assert.equal(config.threshold, 3);
    assert.ok(config.committee[3]!.equals(env.committee[3]!.publicKey));
    assert.ok(config.committee[4]!.equals(PublicKey.default));
    assert.equal(config.params.stakeBase, DEFAULT_PROTOCOL_PARAMS.stakeBase);
    assert.equal(config.params.verifyProbabilityBps, 1200);
    assert.equal(config.committeeEpoch, 0n);
    const vault = accountData(env.svm, vaultAddress())!;
    assert.equal(vault.owner, 'TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA');
    // The vault's token owner is the config PDA: only the program can move its tokens.
    assert.ok(new PublicKey(vault.data.subarray(32, 64)).equals(configAddress()));
    assert.equal(env.vaultBalance(), 0n);
  });

  it('our defaults satisfy p > 1/((1-r)(R+S)) and the product example figures do not', () => {
    assert.equal(securityConditionHolds(DEFAULT_PROTOCOL_PARAMS), true);
    assert.equal(securityConditionHolds(SEED_EXAMPLE_PARAMS), false);
    // R = 1.2, S = 10, r = 10%: p must exceed 9.92%.
    assert.equal(minimumVerifyProbabilityBps(SEED_EXAMPLE_PARAMS), 993);
  });

  it('refuses the product example figures (p = 8%) as insecure, creating nothing', async () => {
    const env = base.fork();
    await rejects(
      () => env.sendAsync([ix(env, { params: SEED_EXAMPLE_PARAMS })], [env.admin]),
      'InsecureParameters',
    );
    assert.equal(accountData(env.svm, configAddress()), undefined);
    assert.equal(accountData(env.svm, vaultAddress()), undefined);
  });

  it('draws the line exactly at the condition: 9.92% refused, 9.93% accepted', async () => {
    const env = base.fork();
    await rejects(
      () => env.sendAsync([ix(env, withParams({ verifyProbabilityBps: 992 }))], [env.admin]),
      'InsecureParameters',
    );
    await env.sendAsync([ix(env, withParams({ verifyProbabilityBps: 993 }))], [env.admin]);
  });

  it('refuses out-of-range parameters', async () => {
    const cases: Partial<ProtocolParams>[] = [
      { verifyProbabilityBps: 0 },
      { verifyProbabilityBps: 10_001 },
      { collusionBps: 10_000 },
      { verifierRewardBps: 1_000_001 },
      { slashBps: 1_000_001 },
      { assignmentTimeoutS: 0n },
      { completionTimeoutS: 0n },
      { challengeWindowS: 0n },
      { unstakeCooldownS: 0n },
    ];
    for (const c of cases) {
      const env = base.fork();
      await rejects(() => env.sendAsync([ix(env, withParams(c))], [env.admin]), 'InvalidParameters');
    }
  });

  it('refuses bad committees and thresholds', async () => {
    const env = base.fork();
    const [a, b] = env.committee.map((k) => k.publicKey) as [PublicKey, PublicKey];
    const send = (over: Partial<Parameters<typeof initializeIx>[0]>) => () =>
      env.sendAsync([ix(env, over)], [env.admin]);
    await rejects(send({ committee: [] }), 'InvalidCommittee');
    await rejects(send({ committee: [a, b, a] }), 'InvalidCommittee');
    await rejects(send({ committee: [a, PublicKey.default] }), 'InvalidCommittee');
    await rejects(send({ committee: [a, b], threshold: 3 }), 'InvalidThreshold');
    // Half is not enough: two disjoint halves could both reach it.
    await rejects(send({ threshold: 2 }), 'InvalidThreshold');
    const tooMany = await patched(env, (i) => {
      i.data[COMMITTEE_LEN_AT] = 17;
    });
    await rejects(() => env.send([tooMany], [env.admin]), 'InvalidCommittee');
  });

  it('refuses re-initialization', async () => {
    const env = base.fork();
    await env.sendAsync([ix(env)], [env.admin]);
    env.svm.expireBlockhash();
    // Even the upgrade authority cannot initialize twice (and so cannot swap the vault or mint).
    const other = env.funded();
    await rejects(
      () =>
        env.sendAsync(
          [ix(env, { admin: other.publicKey, upgradeAuthority: env.admin.publicKey })],
          [other, env.admin],
        ),
      'AlreadyInitialized',
    );
    const attacker = env.funded();
    await rejects(
      () => env.sendAsync([ix(env, { admin: attacker.publicKey })], [attacker]),
      'NotUpgradeAuthority',
    );
    assert.ok(decodeConfig(accountData(env.svm, configAddress())!.data).admin.equals(env.admin.publicKey));
  });

  it('still initializes when someone sent lamports to the config address first', async () => {
    const env = base.fork();
    // Below the rent-exempt minimum is refused by the runtime; a full minimum is the real threat.
    airdrop(env.svm, configAddress(), env.svm.minimumBalanceForRentExemption(0n));
    airdrop(env.svm, vaultAddress(), env.svm.minimumBalanceForRentExemption(0n));
    await env.sendAsync([ix(env)], [env.admin]);
    assert.equal(decodeConfig(accountData(env.svm, configAddress())!.data).committeeLen, 4);
  });

  it('requires the admin to sign', async () => {
    const env = base.fork();
    const admin = env.funded();
    // The upgrade authority signs (and pays); the admin it names does not.
    const i = await ix(env, { admin: admin.publicKey, upgradeAuthority: env.admin.publicKey });
    i.keys[0]!.isSigner = false;
    await rejects(() => env.send([i], [env.admin]), 'MissingSigner');
  });

  it('refuses a config or vault that is not the program address', async () => {
    const env = base.fork();
    const fake = Keypair.generate();
    const badConfig = await patched(env, (x) => {
      x.keys[1]!.pubkey = fake.publicKey;
    });
    await rejects(() => env.send([badConfig], [env.admin]), 'InvalidPda');
    const badVault = await patched(env, (x) => {
      x.keys[3]!.pubkey = fake.publicKey;
    });
    await rejects(() => env.send([badVault], [env.admin]), 'InvalidPda');
  });

  it('refuses read-only config or vault', async () => {
    const env = base.fork();
    for (const index of [1, 3]) {
      const i = await patched(env, (x) => {
        x.keys[index]!.isWritable = false;
      });
      await rejects(() => env.send([i], [env.admin]), 'AccountNotWritable');
    }
  });

  it('refuses a mint that is not an SPL mint', async () => {
    const env = base.fork();
    const notMint = env.funded();
    await rejects(() => env.sendAsync([ix(env, { mint: notMint.publicKey })], [env.admin]), 'InvalidMint');
  });

  it('refuses impostor token or system programs', async () => {
    const env = base.fork();
    const impostor = new PublicKey('Memo1UhkJRfHyvLMcVucJwxXeuD728EqVDDwQDxFMNo');
    for (const index of [4, 5]) {
      const i = await patched(env, (x) => {
        x.keys[index]!.pubkey = impostor;
      });
      await rejects(() => env.send([i], [env.admin]), 'InvalidProgram');
    }
  });

  it('refuses malformed instructions', async () => {
    const env = base.fork();
    const short = await patched(env, () => {});
    const truncated = {
      ...short,
      data: short.data.subarray(0, short.data.length - 1),
    } as TransactionInstruction;
    await rejects(() => env.send([truncated], [env.admin]), 'InvalidInstructionData');
    const unknown = await patched(env, (x) => {
      x.data[0] = (x.data[0]! + 1) & 0xff;
    });
    await rejects(() => env.send([unknown], [env.admin]), 'UnknownInstruction');
    const fewer = await patched(env, (x) => {
      x.keys = x.keys.slice(0, 3);
    });
    await rejects(() => env.send([fewer], [env.admin]), 'NotEnoughAccounts');
    const empty = { ...short, data: Buffer.alloc(4) } as TransactionInstruction;
    await rejects(() => env.send([empty], [env.admin]), 'InvalidInstructionData');
  });
});
