// Test harness: a LiteSVM with the real SplitUp .so deployed through the upgradeable loader,
// an SPL mint, funded keys and token accounts. Snapshots make each test start from a known state.
import assert from 'node:assert/strict';
import { address } from '@solana/kit';
import {
  createAssociatedTokenAccountIdempotentInstruction,
  createInitializeMint2Instruction,
  createMintToInstruction,
  getAssociatedTokenAddressSync,
  MINT_SIZE,
  TOKEN_PROGRAM_ID,
} from '@solana/spl-token';
import { Keypair, type PublicKey, SystemProgram, type TransactionInstruction } from '@solana/web3.js';
import { Clock, LiteSVM } from 'litesvm';
import { RuntimeError } from '../../../../programs/runtime/errors.js';
import { accountData, airdrop } from '../../../../programs/runtime/funding.js';
import { type SentTransaction, sendInstructions } from '../../../../programs/runtime/send-transaction.js';
import {
  DEFAULT_PROTOCOL_PARAMS,
  initializeIx,
  type ProtocolParams,
  type SplitupErrorName,
  splitupErrorName,
  splitupProgram,
  TOKEN_UNIT,
  vaultAddress,
} from '../../../../programs/splitup/client/index.js';
import { deploySplitup } from '../../../../programs/splitup/deploy.js';

const SOL = 1_000_000_000n;
const MINT_DECIMALS = 6;

export class Env {
  constructor(
    public svm: LiteSVM,
    readonly admin: Keypair,
    readonly mint: Keypair,
    readonly committee: Keypair[],
  ) {}

  /** A copy of this environment's whole ledger state, so tests don't leak into each other. */
  fork(): Env {
    return new Env(LiteSVM.fromBytes(this.svm.toBytes()), this.admin, this.mint, this.committee);
  }

  /** Sends with a fresh blockhash, so repeating an identical transaction is not deduplicated. */
  send(ixs: TransactionInstruction[], signers: Keypair[]): SentTransaction {
    this.svm.expireBlockhash();
    return sendInstructions(this.svm, ixs, signers);
  }

  async sendAsync(ixs: Promise<TransactionInstruction>[], signers: Keypair[]): Promise<SentTransaction> {
    return this.send(await Promise.all(ixs), signers);
  }

  /** A new key with SOL for fees and rent. */
  funded(): Keypair {
    const k = Keypair.generate();
    airdrop(this.svm, k.publicKey, 10n * SOL);
    return k;
  }

  /** The associated token account of `owner`, created and credited with `amount`. */
  tokenAccount(owner: PublicKey, amount = 0n): PublicKey {
    const ata = getAssociatedTokenAddressSync(this.mint.publicKey, owner, true);
    const ixs = [
      createAssociatedTokenAccountIdempotentInstruction(
        this.admin.publicKey,
        ata,
        owner,
        this.mint.publicKey,
      ),
    ];
    if (amount > 0n)
      ixs.push(createMintToInstruction(this.mint.publicKey, ata, this.admin.publicKey, amount));
    this.send(ixs, [this.admin]);
    this.svm.expireBlockhash();
    return ata;
  }

  tokenBalance(account: PublicKey): bigint {
    const acc = accountData(this.svm, account);
    if (!acc) return 0n;
    return Buffer.from(acc.data).readBigUInt64LE(64);
  }

  vaultBalance(): bigint {
    return this.tokenBalance(vaultAddress());
  }

  /** Rewrites one of the program's accounts in place (test-only state injection). */
  async patchAccount(
    where: PublicKey,
    name: 'node' | 'config' | 'model',
    edit: (decoded: Record<string, unknown>) => void,
  ): Promise<void> {
    const acc = this.svm.getAccount(address(where.toBase58()));
    if (!acc.exists) throw new Error(`no account at ${where.toBase58()}`);
    const coder = splitupProgram().coder.accounts;
    const decoded = coder.decode(name, Buffer.from(acc.data));
    edit(decoded);
    this.svm.setAccount({ ...acc, data: Uint8Array.from(await coder.encode(name, decoded)) });
  }

  /** Sends each instruction in its own transaction, in order. */
  async sendEach(ixs: Promise<TransactionInstruction[]>, signers: Keypair[]): Promise<SentTransaction[]> {
    return (await ixs).map((ix) => this.send([ix], signers));
  }

  /** The configured challenge window, in seconds. */
  challengeWindow(): bigint {
    return DEFAULT_PROTOCOL_PARAMS.challengeWindowS;
  }

  /** Moves the cluster clock forward by `seconds`. */
  advance(seconds: bigint): void {
    const c = this.svm.getClock();
    this.svm.setClock(
      new Clock(
        c.slot + 1n,
        c.epochStartTimestamp,
        c.epoch,
        c.leaderScheduleEpoch,
        c.unixTimestamp + seconds,
      ),
    );
    this.svm.expireBlockhash();
  }
}

/** A fresh ledger with the program deployed and a mint; not yet initialized. */
export function deployedEnv(committeeSize = 4): Env {
  const svm = new LiteSVM();
  const admin = Keypair.generate();
  airdrop(svm, admin.publicKey, 1000n * SOL);
  deploySplitup(svm, admin);
  const mint = Keypair.generate();
  sendInstructions(
    svm,
    [
      SystemProgram.createAccount({
        fromPubkey: admin.publicKey,
        newAccountPubkey: mint.publicKey,
        lamports: Number(svm.minimumBalanceForRentExemption(BigInt(MINT_SIZE))),
        space: MINT_SIZE,
        programId: TOKEN_PROGRAM_ID,
      }),
      createInitializeMint2Instruction(mint.publicKey, MINT_DECIMALS, admin.publicKey, null),
    ],
    [admin, mint],
  );
  const committee = Array.from({ length: committeeSize }, () => Keypair.generate());
  for (const m of committee) airdrop(svm, m.publicKey, 10n * SOL);
  return new Env(svm, admin, mint, committee);
}

/** A deployed and initialized environment with default parameters. */
export async function initializedEnv(params: ProtocolParams = DEFAULT_PROTOCOL_PARAMS): Promise<Env> {
  const env = deployedEnv();
  await env.sendAsync(
    [
      initializeIx({
        admin: env.admin.publicKey,
        mint: env.mint.publicKey,
        committee: env.committee.map((k) => k.publicKey),
        params,
      }),
    ],
    [env.admin],
  );
  return env;
}

/** Asserts the call fails with the named SplitUp program error. */
export async function rejects(
  fn: () => Promise<unknown> | unknown,
  expected: SplitupErrorName | { runtime: string },
): Promise<void> {
  try {
    await fn();
  } catch (err) {
    if (typeof expected === 'string') {
      assert.equal(splitupErrorName(err), expected, (err as Error).message);
    } else {
      assert.ok(err instanceof RuntimeError, String(err));
      assert.match(err.runtimeError, new RegExp(expected.runtime), err.message);
    }
    return;
  }
  assert.fail(`expected ${JSON.stringify(expected)}, but it succeeded`);
}

export { TOKEN_UNIT };
