// initialize is the deployer's: the program's upgrade authority (read from the loader's
// program-data account) must sign it, so a stranger who calls first after a deploy cannot become
// admin. Everything runs the real .so deployed through the real upgradeable loader.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { before, describe, it } from 'node:test';
import { address, lamports } from '@solana/kit';
import { Keypair, type PublicKey, type TransactionInstruction } from '@solana/web3.js';
import { RuntimeError } from '../../../../programs/runtime/errors.js';
import { accountData, balanceOf } from '../../../../programs/runtime/funding.js';
import { programDataAddress } from '../../../../programs/runtime/loader-address.js';
import { deployUpgradeable, setUpgradeAuthority } from '../../../../programs/runtime/upgradeable-loader.js';
import {
  configAddress,
  DEFAULT_PROTOCOL_PARAMS,
  decodeConfig,
  initializeIx,
  SPLITUP_ERROR_CODES,
  SPLITUP_PROGRAM_ID,
  vaultAddress,
} from '../../../../programs/splitup/client/index.js';
import { SPLITUP_SO_PATH } from '../../../../programs/splitup/deploy.js';
import { instructions } from '../../../../programs/splitup/schema/splitup.js';
import { deployedEnv, type Env, rejects } from './harness.js';

/** Position of an initialize account, from the schema (the one layout source). */
function accountAt(name: string): number {
  const at = instructions.find((i) => i.name === 'initialize')!.accounts.findIndex((a) => a.name === name);
  assert.ok(at >= 0, name);
  return at;
}
const PROGRAM_AT = accountAt('program');
const PROGRAM_DATA_AT = accountAt('program_data');
const UPGRADE_AUTHORITY_AT = accountAt('upgrade_authority');
/** Base fee per signature in litesvm, lamports: a refused transaction costs its sender this much. */
const FEE_PER_SIGNATURE = 5000n;

describe('initialize needs the upgrade authority', () => {
  let base: Env;
  before(() => {
    base = deployedEnv();
  });

  const ix = (env: Env, admin: PublicKey, upgradeAuthority?: PublicKey) =>
    initializeIx({
      admin,
      ...(upgradeAuthority ? { upgradeAuthority } : {}),
      mint: env.mint.publicKey,
      committee: env.committee.map((k) => k.publicKey),
      params: DEFAULT_PROTOCOL_PARAMS,
    });
  const nothingCreated = (env: Env) => {
    assert.equal(accountData(env.svm, configAddress()), undefined);
    assert.equal(accountData(env.svm, vaultAddress()), undefined);
  };

  it("refuses a stranger's initialize with NotUpgradeAuthority; it creates nothing and costs only the fee", async () => {
    const env = base.fork();
    const stranger = env.funded();
    const before = balanceOf(env.svm, stranger.publicKey);
    let failure: unknown;
    try {
      env.send([await ix(env, stranger.publicKey)], [stranger]);
    } catch (err) {
      failure = err;
    }
    assert.ok(failure instanceof RuntimeError, String(failure));
    assert.equal(failure.customCode, SPLITUP_ERROR_CODES.NotUpgradeAuthority);
    await rejects(() => env.sendAsync([ix(env, stranger.publicKey)], [stranger]), 'NotUpgradeAuthority');
    nothingCreated(env);
    assert.equal(balanceOf(env.svm, stranger.publicKey), before - 2n * FEE_PER_SIGNATURE);
    assert.equal(env.tokenBalance(vaultAddress()), 0n);
    // The deployer still can, afterwards.
    await env.sendAsync([ix(env, env.admin.publicKey)], [env.admin]);
    assert.ok(decodeConfig(accountData(env.svm, configAddress())!.data).admin.equals(env.admin.publicKey));
  });

  it('refuses a stranger who names the real upgrade authority without its signature', async () => {
    const env = base.fork();
    const stranger = env.funded();
    const i = await ix(env, stranger.publicKey, env.admin.publicKey);
    i.keys[UPGRADE_AUTHORITY_AT]!.isSigner = false;
    await rejects(() => env.send([i], [stranger]), 'MissingSigner');
    nothingCreated(env);
  });

  it("refuses the stranger's own program and program data (a real deploy whose authority is the stranger)", async () => {
    const env = base.fork();
    const stranger = env.funded();
    const ownProgram = deployUpgradeable(
      env.svm,
      stranger,
      Keypair.generate(),
      new Uint8Array(readFileSync(SPLITUP_SO_PATH)),
      Keypair.generate(),
    );
    const withAccounts = async (program: PublicKey, programData: PublicKey) => {
      const i = await ix(env, stranger.publicKey);
      i.keys[PROGRAM_AT]!.pubkey = program;
      i.keys[PROGRAM_DATA_AT]!.pubkey = programData;
      return i;
    };
    const own = programDataAddress(ownProgram);
    await rejects(async () => env.send([await withAccounts(ownProgram, own)], [stranger]), 'InvalidProgram');
    await rejects(
      async () => env.send([await withAccounts(SPLITUP_PROGRAM_ID, own)], [stranger]),
      'InvalidPda',
    );
    // Accounts in the wrong slots: the program-data account as the program, and the reverse.
    const real = programDataAddress(SPLITUP_PROGRAM_ID);
    await rejects(async () => env.send([await withAccounts(real, real)], [stranger]), 'InvalidProgram');
    await rejects(
      async () => env.send([await withAccounts(SPLITUP_PROGRAM_ID, SPLITUP_PROGRAM_ID)], [stranger]),
      'InvalidPda',
    );
    nothingCreated(env);
  });

  it("refuses a program-data account that is not the loader's (a forged copy the stranger wrote)", async () => {
    const env = base.fork();
    const stranger = env.funded();
    // Byte for byte the loader's ProgramData state naming the stranger, at an address the stranger
    // controls and owned by the stranger's key: tag 3, slot, Some(stranger).
    const forged = Keypair.generate().publicKey;
    const state = Buffer.alloc(45);
    state.writeUInt32LE(3, 0);
    state[12] = 1;
    stranger.publicKey.toBuffer().copy(state, 13);
    env.svm.setAccount({
      address: address(forged.toBase58()),
      lamports: lamports(env.svm.minimumBalanceForRentExemption(BigInt(state.length))),
      programAddress: address(stranger.publicKey.toBase58()),
      executable: false,
      data: state,
      space: BigInt(state.length),
    });
    const i = await ix(env, stranger.publicKey);
    i.keys[PROGRAM_DATA_AT]!.pubkey = forged;
    await rejects(() => env.send([i], [stranger]), 'InvalidPda');
    nothingCreated(env);
  });

  it('refuses everyone once the program is immutable (no upgrade authority), its former authority too', async () => {
    const env = base.fork();
    setUpgradeAuthority(env.svm, env.admin, SPLITUP_PROGRAM_ID, env.admin, null);
    env.svm.expireBlockhash();
    await rejects(() => env.sendAsync([ix(env, env.admin.publicKey)], [env.admin]), 'ProgramImmutable');
    const stranger = env.funded();
    await rejects(() => env.sendAsync([ix(env, stranger.publicKey)], [stranger]), 'ProgramImmutable');
    nothingCreated(env);
  });

  it('follows a transferred authority: the old one is refused, the new one names any admin', async () => {
    const env = base.fork();
    const next = env.funded();
    setUpgradeAuthority(env.svm, env.admin, SPLITUP_PROGRAM_ID, env.admin, next.publicKey);
    env.svm.expireBlockhash();
    await rejects(() => env.sendAsync([ix(env, env.admin.publicKey)], [env.admin]), 'NotUpgradeAuthority');
    nothingCreated(env);
    const admin = env.funded();
    const init: TransactionInstruction = await ix(env, admin.publicKey, next.publicKey);
    env.send([init], [admin, next]);
    const config = decodeConfig(accountData(env.svm, configAddress())!.data);
    assert.ok(config.admin.equals(admin.publicKey));
    assert.equal(config.committeeLen, 4);
  });
});
