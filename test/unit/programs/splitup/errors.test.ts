// programs/' errors are coded errors in storage's shape (one guard, one CLI format knows them),
// and the program's own error names map one to one onto PROGRAM_<NAME> codes.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { Keypair, PublicKey, Transaction } from '@solana/web3.js';
import { RuntimeError } from '../../../../programs/runtime/errors.js';
import { sendInstructions } from '../../../../programs/runtime/send-transaction.js';
import {
  asSplitupError,
  DEFAULT_PROTOCOL_PARAMS,
  initializeIx,
  programErrorCode,
  SEED_EXAMPLE_PARAMS,
  SPLITUP_ERROR_CODES,
  SplitupClientError,
  SplitupProgramError,
  SplitupProgramErrorCode,
  splitupProgram,
} from '../../../../programs/splitup/client/index.js';
import { isCodedError } from '../../../../storage/errors/index.js';
import { deployedEnv, type Env } from './harness.js';

describe('programs errors', () => {
  let base: Env;
  before(() => {
    base = deployedEnv();
  });

  it('names every program error PROGRAM_<NAME>, the C macro without ERR_, one to one', () => {
    const names = Object.keys(SPLITUP_ERROR_CODES) as (keyof typeof SPLITUP_ERROR_CODES)[];
    const codes = names.map(programErrorCode);
    assert.deepEqual(new Set(codes), new Set(Object.values(SplitupProgramErrorCode)));
    assert.equal(codes.length, Object.keys(SplitupProgramErrorCode).length);
    assert.equal(programErrorCode('DagTypeMismatch'), 'PROGRAM_DAG_TYPE_MISMATCH');
    assert.equal(programErrorCode('NotUpgradeAuthority'), 'PROGRAM_NOT_UPGRADE_AUTHORITY');
  });

  it('turns a real program failure into a SplitupProgramError that keeps the name and the cause', async () => {
    const env = base.fork();
    const ix = await initializeIx({
      admin: env.admin.publicKey,
      mint: env.mint.publicKey,
      committee: env.committee.map((k) => k.publicKey),
      params: SEED_EXAMPLE_PARAMS,
    });
    let raw: unknown;
    try {
      env.send([ix], [env.admin]);
    } catch (err) {
      raw = err;
    }
    assert.ok(raw instanceof RuntimeError && isCodedError(raw, 'RUNTIME_TX_FAILED'), String(raw));
    assert.equal(raw.customCode, 6012);
    const err = asSplitupError(raw);
    assert.ok(err instanceof SplitupProgramError);
    assert.ok(isCodedError(err, 'PROGRAM_INSECURE_PARAMETERS'));
    assert.equal(err.programError, 'InsecureParameters');
    assert.equal(err.errorNumber, 6012);
    assert.deepEqual(err.details, { programError: 'InsecureParameters', errorNumber: 6012 });
    assert.equal(err.cause, raw);
    assert.ok(err.logs.length > 0);
    // Anything without a program error number passes through untouched.
    const other = new Error('unrelated');
    assert.equal(asSplitupError(other), other);
  });

  it('refuses in the client what it cannot encode or sign, with coded errors', async () => {
    const keys = Array.from({ length: 17 }, () => Keypair.generate().publicKey);
    assert.throws(
      () =>
        initializeIx({
          admin: PublicKey.default,
          mint: PublicKey.default,
          committee: keys,
          params: DEFAULT_PROTOCOL_PARAMS,
        }),
      (e: unknown) =>
        e instanceof SplitupClientError && isCodedError(e, 'PROGRAM_CLIENT_COMMITTEE_TOO_LARGE'),
    );
    await assert.rejects(
      () => splitupProgram().provider.wallet!.signTransaction(new Transaction()),
      (e: unknown) => e instanceof SplitupClientError && isCodedError(e, 'PROGRAM_CLIENT_NO_SIGNER'),
    );
  });

  it('refuses a transaction with no fee payer as RUNTIME_NO_FEE_PAYER', () => {
    assert.throws(
      () => sendInstructions(base.svm, [], []),
      (e: unknown) => e instanceof RuntimeError && isCodedError(e, 'RUNTIME_NO_FEE_PAYER'),
    );
  });
});
