import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { Keypair } from '@solana/web3.js';
import { CID } from 'multiformats/cid';
import { sha512 } from 'multiformats/hashes/sha2';
import { validateDag } from '../../../../node/model/dag/index.js';
import { accountData } from '../../../../programs/runtime/funding.js';
import {
  DEFAULT_PROTOCOL_PARAMS,
  dagCodeOf,
  declareSpecializationIx,
  decodeModel,
  decodeNode,
  modelAddress,
  modelIdFrom,
  nodeAddress,
  ONCHAIN_DTYPES,
  registerModelInstructions,
  registerNodeIx,
  SplitupClientError,
  splitupErrorName,
  stakeIx,
} from '../../../../programs/splitup/client/index.js';
import { isCodedError } from '../../../../storage/errors/index.js';
import { DTYPES } from '../../../../storage/tensors/tensor.js';
import { type Env, initializedEnv, rejects, TOKEN_UNIT } from './harness.js';
import { BROKEN, type TestModel, twoTaskModel } from './models.js';

/** The multicodec of raw bytes. */
const RAW_CODEC = 0x55;

describe('models and tasks', () => {
  let base: Env;
  let dev: Keypair;
  before(async () => {
    base = await initializedEnv();
    dev = base.funded();
  });
  const register = (env: Env, name: string, model: TestModel) =>
    env.sendEach(registerModelInstructions(dev.publicKey, modelIdFrom(name), model), [dev]);
  const modelOf = (env: Env, name: string) =>
    decodeModel(accountData(env.svm, modelAddress(modelIdFrom(name)))!.data);

  it('uses the same dtype order as storage/tensors', () => {
    assert.deepEqual([...ONCHAIN_DTYPES], [...DTYPES]);
  });

  it('registers a valid 2-task model and seals it', async () => {
    const env = base.fork();
    const model = twoTaskModel();
    assert.deepEqual(validateDag(model), []);
    await register(env, 'chain', model);
    const m = modelOf(env, 'chain');
    assert.equal(m.registered, true);
    assert.equal(m.taskCount, 2);
    assert.equal(m.connectionCount, 3);
    assert.equal(m.totalComputeUnits, 3000n);
    assert.equal(m.tasks[0]!.vramBytes, 2n << 30n);
    assert.ok(m.authority.equals(dev.publicKey));
  });

  for (const [code, breakIt] of Object.entries(BROKEN)) {
    it(`refuses ${code} with the same first violation as node/model/dag`, async () => {
      const env = base.fork();
      const model = twoTaskModel();
      breakIt(model);
      assert.equal(validateDag(model)[0]?.code, code, 'the TypeScript rules agree on the fixture');
      let name: string | undefined;
      try {
        await register(env, code, model);
      } catch (err) {
        name = splitupErrorName(err);
      }
      assert.equal(dagCodeOf(name as never), code);
      assert.equal(modelOf(env, code).registered, false);
    });
  }

  it('is immutable once registered', async () => {
    const env = base.fork();
    await register(env, 'sealed', twoTaskModel());
    const [, task, conns, seal] = await registerModelInstructions(
      dev.publicKey,
      modelIdFrom('sealed'),
      twoTaskModel(),
    );
    await rejects(() => env.send([task!], [dev]), 'ModelRegistered');
    await rejects(() => env.send([conns!], [dev]), 'ModelRegistered');
    await rejects(() => env.send([seal!], [dev]), 'ModelRegistered');
  });

  it('refuses writes by anyone but the developer', async () => {
    const env = base.fork();
    const mallory = env.funded();
    const ixs = await registerModelInstructions(dev.publicKey, modelIdFrom('mine'), twoTaskModel());
    env.send([ixs[0]!], [dev]);
    for (const ix of ixs.slice(1)) {
      ix.keys[0]!.pubkey = mallory.publicKey;
      await rejects(() => env.send([ix], [mallory]), 'Unauthorized');
    }
  });

  it('refuses registration before every task is written, and bad task indexes', async () => {
    const env = base.fork();
    const ixs = await registerModelInstructions(dev.publicKey, modelIdFrom('partial'), twoTaskModel());
    env.send([ixs[0]!], [dev]);
    env.send([ixs[1]!], [dev]);
    await rejects(() => env.send([ixs.at(-1)!], [dev]), 'TasksIncomplete');
    const task = ixs[2]!;
    task.data[8] = 2; // RegisterTaskArgs.index
    await rejects(() => env.send([task], [dev]), 'InvalidTaskIndex');
  });

  it('refuses models beyond the on-chain limits in the client, before sending', async () => {
    const model = twoTaskModel();
    model.tasks[0]!.outputs = Array.from({ length: 5 }, (_, k) => ({
      name: `o${k}`,
      dtype: 'float32' as const,
      shape: [1],
    }));
    await assert.rejects(
      () => registerModelInstructions(dev.publicKey, modelIdFrom('big'), model),
      (e: unknown) => e instanceof SplitupClientError && e.code === 'PROGRAM_CLIENT_MODEL_TOO_LARGE',
    );
    const odd = twoTaskModel();
    (odd.tasks[0]!.inputs[0] as { dtype: string }).dtype = 'complex64';
    await assert.rejects(
      () => registerModelInstructions(dev.publicKey, modelIdFrom('odd'), odd),
      (e: unknown) => e instanceof SplitupClientError && e.code === 'PROGRAM_CLIENT_UNSUPPORTED_DTYPE',
    );
  });

  it('refuses bad content ids and model ids in the client, with prefixed codes', async () => {
    const clientCode = (code: string) => (e: unknown) =>
      e instanceof SplitupClientError && e.code === code && isCodedError(e, code);
    const malformed = twoTaskModel();
    malformed.tasks[0]!.cid = 'not-a-cid';
    await assert.rejects(
      () => registerModelInstructions(dev.publicKey, modelIdFrom('malformed'), malformed),
      clientCode('PROGRAM_CLIENT_MALFORMED_CID'),
    );
    // A sha2-512 CIDv1 is 68 bytes; the layout holds CID_BYTES (40).
    const long = twoTaskModel();
    long.tasks[0]!.cid = CID.create(1, RAW_CODEC, await sha512.digest(new Uint8Array([1]))).toString();
    await assert.rejects(
      () => registerModelInstructions(dev.publicKey, modelIdFrom('long'), long),
      clientCode('PROGRAM_CLIENT_CID_TOO_LARGE'),
    );
    await assert.rejects(
      () => registerModelInstructions(dev.publicKey, new Uint8Array(31), twoTaskModel()),
      clientCode('PROGRAM_CLIENT_INVALID_MODEL_ID'),
    );
  });

  it('refuses an out-of-range dtype or task count sent by a hand-made instruction', async () => {
    const env = base.fork();
    const [create] = await registerModelInstructions(dev.publicKey, modelIdFrom('raw'), twoTaskModel());
    const bad = create!;
    // CreateModelArgs: model_id 32, inputs 4 x 72 (dtype at +65), outputs 4 x 72, counts.
    const dtypeAt = 8 + 32 + 65;
    bad.data[dtypeAt] = 200;
    await rejects(() => env.send([bad], [dev]), 'InvalidInstructionData');
    bad.data[dtypeAt] = 0;
    bad.data[8 + 32 + 576 + 2] = 9; // task_count
    await rejects(() => env.send([bad], [dev]), 'CapacityExceeded');
  });

  describe('declare_specialization', () => {
    let env: Env;
    let node: Keypair;
    const model = () => modelAddress(modelIdFrom('chain'));
    before(async () => {
      env = base.fork();
      await register(env, 'chain', twoTaskModel());
      node = env.funded();
      const wallet = env.tokenAccount(node.publicKey, 10_000n * TOKEN_UNIT);
      env.send([await registerNodeIx(node.publicKey)], [node]);
      // base 1000 + 100/GB: t0 (2 GiB) needs 1200; t0 + t1 (2 GiB + 1 byte → 4 GB) needs 1400.
      env.send([await stakeIx(node.publicKey, wallet, 1300n * TOKEN_UNIT)], [node]);
      assert.equal(DEFAULT_PROTOCOL_PARAMS.stakeBase, 1000n * TOKEN_UNIT);
    });

    it('adds a task when the stake covers its VRAM, and refuses the next one when it does not', async () => {
      await env.sendAsync([declareSpecializationIx(node.publicKey, model(), 0)], [node]);
      const n = decodeNode(accountData(env.svm, nodeAddress(node.publicKey))!.data);
      assert.equal(n.specializationCount, 1);
      assert.equal(n.specializedVram, 2n << 30n);
      assert.ok(n.specializations[0]!.model.equals(model()));
      await rejects(
        () => env.sendAsync([declareSpecializationIx(node.publicKey, model(), 1)], [node]),
        'InsufficientStake',
      );
      await rejects(
        () => env.sendAsync([declareSpecializationIx(node.publicKey, model(), 0)], [node]),
        'AlreadySpecialized',
      );
      await rejects(
        () => env.sendAsync([declareSpecializationIx(node.publicKey, model(), 2)], [node]),
        'InvalidTaskIndex',
      );
    });

    it('refuses draft models and accounts that are not models', async () => {
      const fork = env.fork();
      const ixs = await registerModelInstructions(dev.publicKey, modelIdFrom('draft'), twoTaskModel());
      fork.send([ixs[0]!], [dev]);
      await rejects(
        () =>
          fork.sendAsync(
            [declareSpecializationIx(node.publicKey, modelAddress(modelIdFrom('draft')), 0)],
            [node],
          ),
        'ModelNotRegistered',
      );
      await rejects(
        () =>
          fork.sendAsync([declareSpecializationIx(node.publicKey, nodeAddress(node.publicKey), 0)], [node]),
        'InvalidDiscriminator',
      );
    });
  });
});
