import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { Keypair, PublicKey } from '@solana/web3.js';
import { accountData, airdrop } from '../../../../programs/runtime/funding.js';
import {
  DEFAULT_PROTOCOL_PARAMS,
  decodeNode,
  nodeAddress,
  registerNodeIx,
  requestUnstakeIx,
  stakeIx,
  vaultAddress,
  withdrawIx,
} from '../../../../programs/splitup/client/index.js';
import { type Env, initializedEnv, rejects, TOKEN_UNIT } from './harness.js';

const STAKE = 1500n * TOKEN_UNIT;
const COOLDOWN = DEFAULT_PROTOCOL_PARAMS.unstakeCooldownS;

interface Staker {
  key: Keypair;
  wallet: PublicKey;
}

describe('nodes and stake', () => {
  let base: Env;
  let alice: Staker;
  before(async () => {
    base = await initializedEnv();
    const key = base.funded();
    alice = { key, wallet: base.tokenAccount(key.publicKey, 10_000n * TOKEN_UNIT) };
    await base.sendAsync([registerNodeIx(key.publicKey)], [key]);
  });
  const node = (env: Env, who: Staker) =>
    decodeNode(accountData(env.svm, nodeAddress(who.key.publicKey))!.data);
  /** Alice registered and staked STAKE. */
  const staked = async () => {
    const env = base.fork();
    await env.sendAsync([stakeIx(alice.key.publicKey, alice.wallet, STAKE)], [alice.key]);
    return env;
  };

  it('registers a node account for its authority', () => {
    const n = node(base, alice);
    assert.ok(n.authority.equals(alice.key.publicKey));
    assert.equal(n.staked, 0n);
    assert.equal(n.unstaking, false);
  });

  it('refuses registering twice', async () => {
    const env = base.fork();
    await rejects(
      () => env.sendAsync([registerNodeIx(alice.key.publicKey)], [alice.key]),
      'AlreadyInitialized',
    );
  });

  it("refuses a node address that is not the authority's PDA", async () => {
    const env = base.fork();
    const bob = env.funded();
    const ix = await registerNodeIx(bob.publicKey);
    ix.keys[1]!.pubkey = nodeAddress(env.admin.publicKey);
    await rejects(() => env.send([ix], [bob]), 'InvalidPda');
  });

  it('registers even when the node address was pre-funded', async () => {
    const env = base.fork();
    const bob = env.funded();
    airdrop(env.svm, nodeAddress(bob.publicKey), env.svm.minimumBalanceForRentExemption(0n));
    await env.sendAsync([registerNodeIx(bob.publicKey)], [bob]);
    assert.ok(node(env, { key: bob, wallet: bob.publicKey }).authority.equals(bob.publicKey));
  });

  it('stakes: tokens move into the vault and the node records them', async () => {
    const env = await staked();
    assert.equal(node(env, alice).staked, STAKE);
    assert.equal(env.vaultBalance(), STAKE);
    assert.equal(env.tokenBalance(alice.wallet), 10_000n * TOKEN_UNIT - STAKE);
  });

  it('refuses stake attacks without moving tokens', async () => {
    const env = base.fork();
    const mallory = env.funded();
    const malloryWallet = env.tokenAccount(mallory.publicKey, 100n * TOKEN_UNIT);
    const before = [env.tokenBalance(alice.wallet), env.tokenBalance(malloryWallet), env.vaultBalance()];
    const sendAs = async (
      signer: Keypair,
      edit: (ix: Awaited<ReturnType<typeof stakeIx>>) => void,
      src = alice.wallet,
    ) => {
      const ix = await stakeIx(alice.key.publicKey, src, 10n * TOKEN_UNIT);
      edit(ix);
      return env.send([ix], [signer]);
    };
    // Mallory signs as authority for Alice's node.
    await rejects(
      () =>
        sendAs(
          mallory,
          (ix) => {
            ix.keys[0]!.pubkey = mallory.publicKey;
          },
          malloryWallet,
        ),
      'Unauthorized',
    );
    // Alice's key not signing.
    await rejects(
      () =>
        sendAs(mallory, (ix) => {
          ix.keys[0]!.isSigner = false;
        }),
      'MissingSigner',
    );
    // Mallory's token account as the "vault".
    await rejects(
      () =>
        sendAs(alice.key, (ix) => {
          ix.keys[4]!.pubkey = malloryWallet;
        }),
      'InvalidPda',
    );
    // Vault as source: would credit stake without moving tokens.
    await rejects(() => sendAs(alice.key, () => {}, vaultAddress()), 'DuplicateAccount');
    await rejects(
      () => env.sendAsync([stakeIx(alice.key.publicKey, alice.wallet, 0n)], [alice.key]),
      'ZeroAmount',
    );
    // A token program impostor.
    await rejects(
      () =>
        sendAs(alice.key, (ix) => {
          ix.keys[5]!.pubkey = nodeAddress(alice.key.publicKey);
        }),
      'InvalidProgram',
    );
    assert.deepEqual(
      [env.tokenBalance(alice.wallet), env.tokenBalance(malloryWallet), env.vaultBalance()],
      before,
    );
    assert.equal(node(env, alice).staked, 0n);
  });

  it('refuses stake beyond the source balance (the token program refuses, nothing recorded)', async () => {
    const env = base.fork();
    await rejects(
      () => env.sendAsync([stakeIx(alice.key.publicKey, alice.wallet, 20_000n * TOKEN_UNIT)], [alice.key]),
      { runtime: 'Custom\\(1\\)' },
    );
    assert.equal(node(env, alice).staked, 0n);
  });

  it('unstakes after the cooldown, and not before', async () => {
    const env = await staked();
    await rejects(
      () => env.sendAsync([withdrawIx(alice.key.publicKey, alice.wallet)], [alice.key]),
      'UnstakeNotRequested',
    );
    await rejects(
      () => env.sendAsync([requestUnstakeIx(alice.key.publicKey, STAKE + 1n)], [alice.key]),
      'InsufficientStake',
    );
    await env.sendAsync([requestUnstakeIx(alice.key.publicKey, 500n * TOKEN_UNIT)], [alice.key]);
    assert.equal(node(env, alice).unstaking, true);
    await rejects(
      () => env.sendAsync([stakeIx(alice.key.publicKey, alice.wallet, TOKEN_UNIT)], [alice.key]),
      'NodeUnstaking',
    );
    env.advance(COOLDOWN - 1n);
    await rejects(
      () => env.sendAsync([withdrawIx(alice.key.publicKey, alice.wallet)], [alice.key]),
      'CooldownNotElapsed',
    );
    env.advance(1n);
    const walletBefore = env.tokenBalance(alice.wallet);
    await env.sendAsync([withdrawIx(alice.key.publicKey, alice.wallet)], [alice.key]);
    assert.equal(env.tokenBalance(alice.wallet), walletBefore + 500n * TOKEN_UNIT);
    assert.equal(env.vaultBalance(), STAKE - 500n * TOKEN_UNIT);
    const n = node(env, alice);
    assert.equal(n.staked, STAKE - 500n * TOKEN_UNIT);
    assert.equal(n.unstaking, false);
    env.svm.expireBlockhash();
    await rejects(
      () => env.sendAsync([withdrawIx(alice.key.publicKey, alice.wallet)], [alice.key]),
      'UnstakeNotRequested',
    );
  });

  it('refuses withdraw attacks without moving tokens', async () => {
    const env = await staked();
    await env.sendAsync([requestUnstakeIx(alice.key.publicKey, STAKE)], [alice.key]);
    env.advance(COOLDOWN);
    const mallory = env.funded();
    const malloryWallet = env.tokenAccount(mallory.publicKey);
    const before = [env.tokenBalance(alice.wallet), env.tokenBalance(malloryWallet), env.vaultBalance()];
    // Mallory withdrawing Alice's stake to herself.
    const stolen = await withdrawIx(alice.key.publicKey, malloryWallet);
    stolen.keys[0]!.pubkey = mallory.publicKey;
    await rejects(() => env.send([stolen], [mallory]), 'Unauthorized');
    // Vault as destination.
    await rejects(
      () => env.sendAsync([withdrawIx(alice.key.publicKey, vaultAddress())], [alice.key]),
      'DuplicateAccount',
    );
    // A node with an open assignment cannot leave (state set directly: assignment comes later).
    await env.patchAccount(nodeAddress(alice.key.publicKey), 'node', (n) => {
      n.activeAssignments = 1;
    });
    assert.equal(node(env, alice).activeAssignments, 1);
    await rejects(
      () => env.sendAsync([withdrawIx(alice.key.publicKey, alice.wallet)], [alice.key]),
      'NodeBusy',
    );
    assert.deepEqual(
      [env.tokenBalance(alice.wallet), env.tokenBalance(malloryWallet), env.vaultBalance()],
      before,
    );
  });
});
