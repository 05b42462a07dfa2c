// The ledger's bank: one litesvm instance (the real Agave runtime), a slot clock, a window of
// valid blockhashes, transaction history with meta, and change events for subscriptions.
// Single-threaded by construction: every call below runs to completion on the event loop, so
// transactions execute one at a time in the order they arrive.
import {
  AddressLookupTableAccount,
  Keypair,
  type MessageAccountKeys,
  PublicKey,
  SystemProgram,
  Transaction,
  TransactionInstruction,
  VoteInit,
  VoteProgram,
} from '@solana/web3.js';
import { FailedTransactionMetadata, LiteSVM, type TransactionMetadata } from 'litesvm';
import { BlockStore } from './blocks.js';
import { toBase58, toBase64 } from './codec.js';
import {
  BLOCKHASH_VALID_SLOTS,
  FAUCET_LAMPORTS,
  LAMPORTS_PER_SIGNATURE,
  MAX_AIRDROP_LAMPORTS,
  MAX_TRACKED_ACCOUNTS,
  SLOT_INTERVAL_MS,
  TRANSACTION_LANDING_DELAY_MS,
} from './constants.js';
import {
  durableNonceFrom,
  isInitializedNonce,
  nonceAccountsWritten,
  storedNonce,
  withNonce,
} from './durable-nonce.js';
import { transactionFee } from './fee.js';
import { type InnerInstructionJson, TransactionHistory, type TransactionRecord } from './history.js';
import { kitAddress, kitLamports } from './kit-boundary.js';
import { LandingQueue } from './landing-queue.js';
import {
  invalidParams,
  RPC_SEND_TRANSACTION_PREFLIGHT_FAILURE,
  RPC_TRANSACTION_SIGNATURE_VERIFICATION_FAILURE,
  RpcError,
} from './rpc-error.js';
import { SLOT_HASHES_BYTES, SLOT_HASHES_SYSVAR, SlotHashes } from './slot-hashes.js';
import { tokenBalances } from './token-balances.js';
import {
  isUncommittedError,
  type TransactionErrorJson,
  transactionErrorJson,
  transactionErrorText,
} from './tx-error.js';
import { decodeWireTransaction, type WireTransaction } from './wire-transaction.js';

export interface AccountState {
  lamports: bigint;
  owner: string;
  data: Uint8Array;
  executable: boolean;
}

export type BankEvent =
  | { type: 'slot'; slot: number; parent: number }
  | { type: 'transaction'; record: TransactionRecord }
  | { type: 'account'; pubkey: string; account: AccountState | null; slot: number };

export interface SimulationResult {
  err: TransactionErrorJson | null;
  logs: string[];
  unitsConsumed: number;
  returnData: TransactionRecord['returnData'];
  innerInstructions: TransactionRecord['innerInstructions'];
  /** Post-state of the requested addresses (null where the account does not exist). */
  accounts: (AccountState | null)[] | null;
  replacementBlockhash: { blockhash: string; lastValidBlockHeight: number } | null;
}

export interface BankOptions {
  /** Slot clock period; 0 disables the timer (slots then advance only per transaction). */
  slotIntervalMs?: number;
  /** How long submitTransaction's transactions wait before landing; 0 lands them inside the call. */
  landingDelayMs?: number;
}

const SYSTEM_PROGRAM = SystemProgram.programId.toBase58();
const STAKE_PROGRAM = new PublicKey('Stake11111111111111111111111111111111111111');
/** StakeInstruction::GetMinimumDelegation (u32 little-endian). */
const STAKE_GET_MINIMUM_DELEGATION = 13;
const GENESIS_SLOT = 0n;
/** Accounts litesvm's genesis holds (sysvars, builtins, default programs): part of the supply. */
const GENESIS_ADDRESSES = [
  'SysvarC1ock11111111111111111111111111111111',
  'SysvarRent111111111111111111111111111111111',
  'SysvarEpochSchedu1e111111111111111111111111',
  'SysvarFees111111111111111111111111111111111',
  'SysvarRecentB1ockHashes11111111111111111111',
  'SysvarS1otHashes111111111111111111111111111',
  'SysvarS1otHistory11111111111111111111111111',
  'SysvarStakeHistory1111111111111111111111111',
  'SysvarLastRestartS1ot1111111111111111111111',
  'SysvarEpochRewards1111111111111111111111111',
  '11111111111111111111111111111111',
  'Vote111111111111111111111111111111111111111',
  'Stake11111111111111111111111111111111111111',
  'Config1111111111111111111111111111111111111',
  'BPFLoader1111111111111111111111111111111111',
  'BPFLoader2111111111111111111111111111111111',
  'BPFLoaderUpgradeab1e11111111111111111111111',
  'LoaderV411111111111111111111111111111111111',
  'AddressLookupTab1e1111111111111111111111111',
  'ComputeBudget111111111111111111111111111111',
  'Ed25519SigVerify111111111111111111111111111',
  'KeccakSecp256k11111111111111111111111111111',
  'Secp256r1SigVerify1111111111111111111111111',
  'TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA',
  'TokenzQdBNbLqP5VEhdkAS6EPFLC1PHnBqCXEpPxuEb',
  'ATokenGPvbdGVxr1b2hvZbsiqW5xWH25efTNsLJA8knL',
  'MemoSq4gqABAXKb96qnH8TysNcWxMyWCqXgDLGmfcHr',
  'Memo1UhkJRfHyvLMcVucJwxXeuD728EqVDDwQDxFMNo',
  'So11111111111111111111111111111111111111112',
];
/** Owner of every sysvar account. */
const SYSVAR_PROGRAM = 'Sysvar1111111111111111111111111111111111111';
const ADVANCE_NONCE_INSTRUCTION = 4;

/** The native object behind litesvm's wrapper, which reads accounts by raw key bytes. */
interface NativeAccounts {
  getAccount(pubkey: Uint8Array): {
    lamports(): bigint;
    data(): Uint8Array;
    owner(): Uint8Array;
    executable(): boolean;
  } | null;
}

/**
 * litesvm's wrapper builds fresh @solana/kit codecs on every getAccount (~0.5 ms each, several per
 * transaction); its native object takes key bytes directly, ~10x faster. Used when present.
 */
function nativeAccounts(svm: LiteSVM): NativeAccounts | undefined {
  const inner = (svm as unknown as { inner?: Partial<NativeAccounts> }).inner;
  return typeof inner?.getAccount === 'function' ? (inner as NativeAccounts) : undefined;
}

export class LedgerBank {
  readonly svm: LiteSVM;
  private readonly native: NativeAccounts | undefined;
  readonly history = new TransactionHistory();
  private readonly faucet = Keypair.generate();
  /** The one validator's vote account, created at genesis like a test validator's. */
  private readonly voteAccount = Keypair.generate();
  /** Addresses written so far (getSupply, getLargestAccounts), oldest first. */
  private readonly tracked = new Set<string>();
  readonly blocks: BlockStore;
  private stakeMinimumDelegation: number | undefined;
  private readonly startSlot: number;
  private currentSlot: number;
  /** The first blockhash, reported as the genesis hash of this chain. */
  readonly genesisHash: string;
  /** blockhash -> last block height at which it is still accepted. */
  private readonly blockhashes = new Map<string, number>();
  private latest: { blockhash: string; lastValidBlockHeight: number };
  private readonly listeners = new Set<(event: BankEvent) => void>();
  private timer: NodeJS.Timeout | undefined;
  private transactionCount = 0;
  private readonly slotHashes = new SlotHashes();
  /** Rent-exempt balance of the SlotHashes sysvar, as genesis set it. */
  private readonly slotHashesLamports: bigint;
  private readonly landing: LandingQueue<WireTransaction> | undefined;

  constructor(options: BankOptions = {}) {
    // Blockhash age is checked here against a window of recent hashes, as a validator does;
    // litesvm alone only accepts its single latest hash.
    this.svm = new LiteSVM().withBlockhashCheck(false);
    this.native = nativeAccounts(this.svm);
    // litesvm's clock begins at a mainnet-like slot (447,552,000) in epoch 0; a test validator's
    // chain begins at slot 0, where slot, block height and epoch agree (epoch = slot / 432,000).
    this.svm.warpToSlot(GENESIS_SLOT);
    this.startSlot = Number(this.svm.getClock().slot);
    this.currentSlot = this.startSlot;
    this.latest = { blockhash: this.svm.latestBlockhash(), lastValidBlockHeight: BLOCKHASH_VALID_SLOTS };
    this.blockhashes.set(this.latest.blockhash, this.latest.lastValidBlockHeight);
    this.genesisHash = this.latest.blockhash;
    // The genesis block is its own parent, as agave reports block 0.
    this.blocks = new BlockStore(this.history, { slot: this.startSlot, blockhash: this.genesisHash });
    const sysvar = this.svm.getAccount(kitAddress(SLOT_HASHES_SYSVAR));
    this.slotHashesLamports = sysvar.exists ? sysvar.lamports : 0n;
    this.setClockTime();
    this.svm.setAccount({
      address: kitAddress(this.faucet.publicKey.toBase58()),
      lamports: kitLamports(FAUCET_LAMPORTS),
      programAddress: kitAddress(SYSTEM_PROGRAM),
      executable: false,
      data: new Uint8Array(0),
      space: 0n,
    });
    for (const pubkey of [this.faucet.publicKey.toBase58(), ...GENESIS_ADDRESSES]) this.track(pubkey);
    this.createVoteAccount();
    // Genesis ends empty, as a test validator's block 0: setup transactions land from slot 1 on.
    this.advanceSlot();
    const landingDelay = options.landingDelayMs ?? TRANSACTION_LANDING_DELAY_MS;
    this.landing = landingDelay > 0 ? new LandingQueue(landingDelay, (tx) => this.land(tx)) : undefined;
    const interval = options.slotIntervalMs ?? SLOT_INTERVAL_MS;
    if (interval > 0) {
      this.timer = setInterval(() => this.advanceSlot(), interval);
      this.timer.unref();
    }
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.landing?.clear();
    this.listeners.clear();
  }

  onEvent(listener: (event: BankEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get slot(): number {
    return this.currentSlot;
  }

  get firstSlot(): number {
    return this.startSlot;
  }

  /** The faucet's key doubles as this one-node cluster's identity. */
  get identity(): string {
    return this.faucet.publicKey.toBase58();
  }

  get votePubkey(): string {
    return this.voteAccount.publicKey.toBase58();
  }

  get blockHeight(): number {
    return this.currentSlot - this.startSlot;
  }

  get transactionsProcessed(): number {
    return this.transactionCount;
  }

  latestBlockhash(): { blockhash: string; lastValidBlockHeight: number } {
    return { ...this.latest };
  }

  isBlockhashValid(blockhash: string): boolean {
    const lastValid = this.blockhashes.get(blockhash);
    return lastValid !== undefined && lastValid >= this.blockHeight;
  }

  /** Ends the current slot: a new slot, a new blockhash, the clock's wall time refreshed. */
  advanceSlot(): void {
    const parent = this.currentSlot;
    this.currentSlot++;
    this.svm.warpToSlot(BigInt(this.currentSlot));
    this.svm.setAccount({
      address: kitAddress(SLOT_HASHES_SYSVAR),
      lamports: kitLamports(this.slotHashesLamports),
      programAddress: kitAddress(SYSVAR_PROGRAM),
      executable: false,
      data: this.slotHashes.push(parent),
      space: BigInt(SLOT_HASHES_BYTES),
    });
    this.blocks.close(parent, this.latest.blockhash, parent - this.startSlot, this.transactionCount);
    this.setClockTime();
    this.svm.expireBlockhash();
    this.latest = {
      blockhash: this.svm.latestBlockhash(),
      lastValidBlockHeight: this.blockHeight + BLOCKHASH_VALID_SLOTS,
    };
    this.blockhashes.set(this.latest.blockhash, this.latest.lastValidBlockHeight);
    for (const [hash, lastValid] of this.blockhashes) {
      if (lastValid >= this.blockHeight) break; // insertion order = expiry order
      this.blockhashes.delete(hash);
    }
    this.emit({ type: 'slot', slot: this.currentSlot, parent });
  }

  /**
   * Lets setup code drive litesvm directly (e.g. the program agent's loader deploy), then brings
   * the slot clock level with whatever slot that code warped to and starts a fresh slot.
   */
  runDirect<T>(fn: (svm: LiteSVM) => T): T {
    try {
      return fn(this.svm);
    } finally {
      this.currentSlot = Math.max(this.currentSlot, Number(this.svm.getClock().slot));
      this.advanceSlot();
    }
  }

  getAccount(pubkey: string): AccountState | null {
    if (this.native) {
      const account = this.native.getAccount(new PublicKey(pubkey).toBytes());
      if (!account) return null;
      const data = account.data();
      const lamports = account.lamports();
      if (lamports === 0n && data.length === 0) return null;
      return {
        lamports,
        owner: toBase58(account.owner()),
        data: new Uint8Array(data),
        executable: account.executable(),
      };
    }
    const account = this.svm.getAccount(kitAddress(pubkey));
    if (!account.exists || (account.lamports === 0n && account.data.length === 0)) return null;
    return {
      lamports: account.lamports,
      owner: account.programAddress,
      data: new Uint8Array(account.data),
      executable: account.executable,
    };
  }

  getProgramAccounts(owner: string): { pubkey: string; account: AccountState }[] {
    return this.svm.getProgramAccounts(kitAddress(owner)).map((a) => ({
      pubkey: a.address,
      account: {
        lamports: a.lamports,
        owner: a.programAddress,
        data: new Uint8Array(a.data),
        executable: a.executable,
      },
    }));
  }

  minimumBalanceForRentExemption(dataLength: number): number {
    return Number(this.svm.minimumBalanceForRentExemption(BigInt(dataLength)));
  }

  /**
   * Executes a wire transaction. With preflight, a failing transaction is simulated and rejected
   * with Solana's -32002 error, leaving the chain unchanged; without it, it lands (fee charged)
   * with its error recorded. Transactions that could never land (bad signature, unknown
   * blockhash, already processed) are rejected either way.
   */
  sendTransaction(wire: Uint8Array, options: { skipPreflight?: boolean } = {}): string {
    const decoded = decodeWireTransaction(wire);
    const early = this.precheck(decoded, false);
    if (early) throw notLandedError(early, options.skipPreflight === true);
    if (!options.skipPreflight) {
      const simulation = this.simulate(decoded, { sigVerify: true });
      if (simulation.err !== null) throw preflightError(simulation);
    }
    const record = this.commit(decoded);
    if (!record) throw notLandedError('SignatureFailure', options.skipPreflight === true);
    return record.signature;
  }

  /**
   * What sendTransaction over RPC does, as a validator: every check and the preflight now, the
   * answer (the signature) now, the landing later in a slot of its own (landingDelayMs). A
   * transaction that can no longer land by then is dropped, as a validator drops it.
   */
  submitTransaction(wire: Uint8Array, options: { skipPreflight?: boolean } = {}): string {
    if (!this.landing) return this.sendTransaction(wire, options);
    const decoded = decodeWireTransaction(wire);
    // Sent again while waiting: the same answer, one landing (the validator dedups by signature).
    if (this.landing.has(decoded.signature)) return decoded.signature;
    const early = this.precheck(decoded, false);
    if (options.skipPreflight) {
      // Without preflight a validator answers the signature of any well-signed transaction and
      // drops it later if it cannot land (expired blockhash or nonce): clients then see it expire.
      if (early === 'AlreadyProcessed') return decoded.signature;
      if (!early && this.simulate(decoded, { sigVerify: true }).err === 'SignatureFailure') {
        throw notLandedError('SignatureFailure', true);
      }
    } else {
      if (early) throw notLandedError(early, false);
      const simulation = this.simulate(decoded, { sigVerify: true });
      if (simulation.err !== null) throw preflightError(simulation);
    }
    this.landing.add(decoded.signature, decoded);
    return decoded.signature;
  }

  /** requestAirdrop over RPC: the faucet's transfer, submitted like any other transaction. */
  submitAirdrop(pubkey: string, amount: bigint): string {
    // The faucet sends without preflight: an airdrop that cannot stand (below rent exemption for
    // a new account) lands as a failed transaction, as on a test validator.
    return this.submitTransaction(this.airdropTransaction(pubkey, amount), { skipPreflight: true });
  }

  /** A submitted transaction lands as any other: in the open slot, which then ends. */
  private land(decoded: WireTransaction): void {
    try {
      if (this.precheck(decoded, false) === undefined) this.commit(decoded);
    } catch {
      // It cannot land any more (e.g. its fee payer was emptied meanwhile): dropped.
    }
  }

  simulateTransaction(
    wire: Uint8Array,
    options: { sigVerify?: boolean; replaceRecentBlockhash?: boolean; addresses?: string[] } = {},
  ): SimulationResult {
    if (options.sigVerify && options.replaceRecentBlockhash) {
      throw invalidParams('sigVerify may not be used with replaceRecentBlockhash');
    }
    const decoded = decodeWireTransaction(wire);
    return this.simulate(decoded, options);
  }

  /** Sends `lamports` from the ledger's faucet in a real System transfer; returns its signature. */
  requestAirdrop(pubkey: string, amount: bigint): string {
    return this.sendTransaction(this.airdropTransaction(pubkey, amount));
  }

  private airdropTransaction(pubkey: string, amount: bigint): Uint8Array {
    if (amount <= 0n || amount > MAX_AIRDROP_LAMPORTS) {
      throw invalidParams(`airdrop amount must be between 1 and ${MAX_AIRDROP_LAMPORTS} lamports`);
    }
    const tx = new Transaction({
      feePayer: this.faucet.publicKey,
      recentBlockhash: this.latest.blockhash,
    }).add(
      SystemProgram.transfer({
        fromPubkey: this.faucet.publicKey,
        toPubkey: new PublicKey(pubkey),
        lamports: amount,
      }),
    );
    tx.sign(this.faucet);
    return tx.serialize();
  }

  /** Any amount from the faucet, as as many airdrops as the per-airdrop cap needs. */
  fund(pubkey: string, amount: bigint): void {
    for (let left = amount; left > 0n; left -= MAX_AIRDROP_LAMPORTS) {
      // biome-ignore lint/complexity/useMathMinMax: Math.min does not take bigint
      this.requestAirdrop(pubkey, left > MAX_AIRDROP_LAMPORTS ? MAX_AIRDROP_LAMPORTS : left);
    }
  }

  getSignatureStatus(signature: string): { slot: number; err: TransactionErrorJson | null } | null {
    const record = this.history.get(signature);
    return record ? { slot: record.slot, err: record.err } : null;
  }

  private emit(event: BankEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // A subscriber's failure must never break the bank.
      }
    }
  }

  private setClockTime(): void {
    const clock = this.svm.getClock();
    clock.unixTimestamp = BigInt(Math.floor(Date.now() / 1000));
    this.svm.setClock(clock);
  }

  /** Checks made before execution; returns the error name when the transaction cannot land. */
  private precheck(decoded: WireTransaction, replaceBlockhash: boolean): TransactionErrorJson | undefined {
    if (this.history.get(decoded.signature)) return 'AlreadyProcessed';
    if (
      !replaceBlockhash &&
      !this.isBlockhashValid(decoded.tx.message.recentBlockhash) &&
      !this.usesValidDurableNonce(decoded)
    ) {
      return 'BlockhashNotFound';
    }
    return undefined;
  }

  private simulate(
    decoded: WireTransaction,
    options: {
      sigVerify?: boolean;
      replaceRecentBlockhash?: boolean;
      addresses?: string[];
    },
  ): SimulationResult {
    const replace = options.replaceRecentBlockhash === true;
    const replacementBlockhash = replace ? this.latestBlockhash() : null;
    const early = this.precheck(decoded, replace);
    if (early) return emptySimulation(early, replacementBlockhash);
    const sigVerify = options.sigVerify === true;
    this.svm.withSigverify(sigVerify);
    let result: ReturnType<LiteSVM['simulateTransaction']>;
    const nonces = this.alignNonces(decoded, this.accountKeys(decoded).keys);
    try {
      result = this.svm.simulateTransaction(decoded.kit);
    } catch {
      return emptySimulation('SignatureFailure', replacementBlockhash);
    } finally {
      this.svm.withSigverify(true);
      nonces.restore();
    }
    if (result instanceof FailedTransactionMetadata) {
      const meta = result.meta();
      return {
        ...metaFields(meta),
        err: transactionErrorJson(result.err()),
        accounts: options.addresses ? options.addresses.map(() => null) : null,
        replacementBlockhash,
      };
    }
    const meta = result.meta();
    let accounts: (AccountState | null)[] | null = null;
    if (options.addresses) {
      const post = new Map(result.postAccounts().map((a) => [a.address as string, a]));
      accounts = options.addresses.map((pubkey) => {
        const a = post.get(pubkey);
        if (!a) return this.getAccount(pubkey);
        return {
          lamports: a.lamports,
          owner: a.programAddress,
          data: new Uint8Array(a.data),
          executable: a.executable,
        };
      });
    }
    return { ...metaFields(meta), err: null, accounts, replacementBlockhash };
  }

  /** Runs the transaction for real; returns undefined when it did not land. */
  private commit(decoded: WireTransaction): TransactionRecord | undefined {
    const { keys, writable, loaded } = this.accountKeys(decoded);
    const pre = keys.map((k) => this.getAccount(k));
    const nonces = this.alignNonces(decoded, keys);
    let result: TransactionMetadata | FailedTransactionMetadata;
    try {
      result = this.svm.sendTransaction(decoded.kit);
    } catch {
      nonces.restore();
      return undefined; // litesvm refuses unsigned transactions by throwing
    }
    if (result instanceof FailedTransactionMetadata) nonces.restore();
    else nonces.settle();
    const post = keys.map((k) => this.getAccount(k));
    let err: TransactionErrorJson | null = null;
    let meta: TransactionMetadata;
    if (result instanceof FailedTransactionMetadata) {
      err = transactionErrorJson(result.err());
      const payerCharged = pre[0]?.lamports !== post[0]?.lamports;
      if (isUncommittedError(err) && !payerCharged) throw notLandedError(err, true);
      meta = result.meta();
    } else {
      meta = result;
    }
    const mintData = (mint: string) => this.getAccount(mint)?.data;
    const fields = metaFields(meta);
    const record: TransactionRecord = {
      signature: decoded.signature,
      slot: this.currentSlot,
      blockTime: Math.floor(Date.now() / 1000),
      decoded,
      accountKeys: keys,
      writable,
      loadedAddresses: loaded,
      err,
      fee: transactionFee(decoded.tx.message),
      preBalances: pre.map((a) => Number(a?.lamports ?? 0n)),
      postBalances: post.map((a) => Number(a?.lamports ?? 0n)),
      preTokenBalances: tokenBalances(pre, mintData),
      postTokenBalances: tokenBalances(post, mintData),
      logs: fields.logs,
      innerInstructions: fields.innerInstructions,
      computeUnitsConsumed: fields.unitsConsumed,
      returnData: fields.returnData,
    };
    this.history.add(record);
    this.blocks.addTransaction(record.signature);
    keys.forEach((pubkey, i) => {
      if (writable[i]) this.track(pubkey);
    });
    this.transactionCount++;
    this.emit({ type: 'transaction', record });
    keys.forEach((pubkey, i) => {
      if (writable[i] && !sameAccount(pre[i] ?? null, post[i] ?? null)) {
        this.emit({ type: 'account', pubkey, account: post[i] ?? null, slot: record.slot });
      }
    });
    this.advanceSlot();
    return record;
  }

  /** Balances of every address the ledger has written (see MAX_TRACKED_ACCOUNTS). */
  trackedBalances(): { pubkey: string; lamports: bigint }[] {
    const out: { pubkey: string; lamports: bigint }[] = [];
    for (const pubkey of this.tracked) {
      const lamports = this.getAccount(pubkey)?.lamports ?? 0n;
      if (lamports > 0n) out.push({ pubkey, lamports });
    }
    return out;
  }

  /** The stake program's own answer to GetMinimumDelegation (it depends on the feature set). */
  minimumStakeDelegation(): number {
    if (this.stakeMinimumDelegation === undefined) {
      const tx = new Transaction({
        feePayer: this.faucet.publicKey,
        recentBlockhash: this.latest.blockhash,
      }).add(
        new TransactionInstruction({
          programId: STAKE_PROGRAM,
          keys: [],
          data: Buffer.from([STAKE_GET_MINIMUM_DELEGATION, 0, 0, 0]),
        }),
      );
      tx.sign(this.faucet);
      const result = this.simulate(decodeWireTransaction(tx.serialize()), {});
      const data = result.returnData ? Buffer.from(result.returnData.data[0], 'base64') : undefined;
      this.stakeMinimumDelegation =
        result.err === null && data && data.length >= 8 ? Number(data.readBigUint64LE(0)) : 1;
    }
    return this.stakeMinimumDelegation;
  }

  private track(pubkey: string): void {
    this.tracked.delete(pubkey);
    this.tracked.add(pubkey);
    if (this.tracked.size > MAX_TRACKED_ACCOUNTS) {
      const oldest = this.tracked.values().next().value;
      if (oldest !== undefined) this.tracked.delete(oldest);
    }
  }

  /** The validator's vote account (identity = the faucet key, commission 0), made by the vote program. */
  private createVoteAccount(): void {
    const identity = this.faucet.publicKey;
    const tx = new Transaction({ feePayer: identity, recentBlockhash: this.latest.blockhash }).add(
      VoteProgram.createAccount({
        fromPubkey: identity,
        votePubkey: this.voteAccount.publicKey,
        voteInit: new VoteInit(identity, identity, identity, 0),
        lamports: this.minimumBalanceForRentExemption(VoteProgram.space),
      }),
    );
    tx.sign(this.faucet, this.voteAccount);
    // Run, not landed: the account is written as genesis writes it, so block 0 stays empty.
    const result = this.simulate(decodeWireTransaction(tx.serialize()), {
      sigVerify: true,
      addresses: [this.votePubkey],
    });
    const account = result.accounts?.[0];
    if (result.err !== null || !account) return;
    this.writeData(this.votePubkey, account, account.data);
    this.track(this.votePubkey);
  }

  /** A durable-nonce transaction names an initialized nonce account that stores its recentBlockhash. */
  private usesValidDurableNonce(decoded: WireTransaction): boolean {
    const account = usesDurableNonce(decoded);
    if (account === undefined) return false;
    const data = this.getAccount(account)?.data;
    return (
      data !== undefined &&
      isInitializedNonce(data) &&
      storedNonce(data) === decoded.tx.message.recentBlockhash
    );
  }

  /**
   * Sets each nonce account the transaction advances so that litesvm's check (against a nonce
   * derived from the transaction's recentBlockhash) decides as a validator's (against the bank's
   * blockhash) would. `settle` then stores the nonce derived from the bank's blockhash in every
   * nonce account it advanced or initialized; `restore` puts back what was there before.
   */
  private alignNonces(
    decoded: WireTransaction,
    keys: readonly string[],
  ): { settle(): void; restore(): void } {
    const { advanced, initialized } = nonceAccountsWritten(decoded, keys);
    if (advanced.length === 0 && initialized.length === 0) return { settle() {}, restore() {} };
    const bankNonce = durableNonceFrom(this.latest.blockhash);
    const bankNonceText = toBase58(bankNonce);
    const txNonce = durableNonceFrom(decoded.tx.message.recentBlockhash);
    const txNonceText = toBase58(txNonce);
    const originals = new Map<string, AccountState>();
    for (const pubkey of advanced) {
      const account = this.getAccount(pubkey);
      if (!account || !isInitializedNonce(account.data) || originals.has(pubkey)) continue;
      originals.set(pubkey, account);
      const stored = storedNonce(account.data);
      const validatorAllows = stored !== bankNonceText;
      // Any value but the one litesvm derives lets it advance: the hash of that value will do.
      if (validatorAllows && stored === txNonceText)
        this.writeData(
          pubkey,
          account,
          withNonce(account.data, durableNonceFrom(txNonceText), LAMPORTS_PER_SIGNATURE),
        );
      else if (!validatorAllows)
        this.writeData(pubkey, account, withNonce(account.data, txNonce, LAMPORTS_PER_SIGNATURE));
    }
    return {
      settle: () => {
        for (const pubkey of new Set([...advanced, ...initialized])) {
          const account = this.getAccount(pubkey);
          if (account && isInitializedNonce(account.data))
            this.writeData(pubkey, account, withNonce(account.data, bankNonce, LAMPORTS_PER_SIGNATURE));
        }
      },
      restore: () => {
        for (const [pubkey, account] of originals) this.writeData(pubkey, account, account.data);
      },
    };
  }

  private writeData(pubkey: string, account: AccountState, data: Uint8Array): void {
    this.svm.setAccount({
      address: kitAddress(pubkey),
      lamports: kitLamports(account.lamports),
      programAddress: kitAddress(account.owner),
      executable: account.executable,
      data,
      space: BigInt(data.length),
    });
  }

  /** The transaction's full key list, resolving address lookup tables from current state. */
  private accountKeys(decoded: WireTransaction): {
    keys: string[];
    writable: boolean[];
    loaded: { writable: string[]; readonly: string[] };
  } {
    const message = decoded.tx.message;
    const lookups = message.addressTableLookups;
    let accountKeys: MessageAccountKeys | undefined;
    if (lookups.length > 0) {
      // A missing or unreadable table leaves the keys unresolved: the runtime reports that error itself.
      try {
        const tables = lookups.map((lookup) => {
          const account = this.getAccount(lookup.accountKey.toBase58());
          return account
            ? new AddressLookupTableAccount({
                key: lookup.accountKey,
                state: AddressLookupTableAccount.deserialize(account.data),
              })
            : undefined;
        });
        if (tables.every((t) => t !== undefined))
          accountKeys = message.getAccountKeys({ addressLookupTableAccounts: tables });
      } catch {
        accountKeys = undefined;
      }
    }
    const staticKeys = message.staticAccountKeys.map((k) => k.toBase58());
    const loaded = {
      writable: accountKeys?.accountKeysFromLookups?.writable.map((k) => k.toBase58()) ?? [],
      readonly: accountKeys?.accountKeysFromLookups?.readonly.map((k) => k.toBase58()) ?? [],
    };
    const keys = [...staticKeys, ...loaded.writable, ...loaded.readonly];
    const writable = keys.map((_, i) =>
      i < staticKeys.length ? message.isAccountWritable(i) : i < staticKeys.length + loaded.writable.length,
    );
    return { keys, writable, loaded };
  }
}

/** The nonce account of a durable-nonce transaction (one whose first instruction advances it). */
function usesDurableNonce(decoded: WireTransaction): string | undefined {
  const message = decoded.tx.message;
  const first = message.compiledInstructions[0];
  if (!first) return undefined;
  const program = message.staticAccountKeys[first.programIdIndex]?.toBase58();
  if (program !== SYSTEM_PROGRAM || first.data.length < 4 || first.data[0] !== ADVANCE_NONCE_INSTRUCTION)
    return undefined;
  return message.staticAccountKeys[first.accountKeyIndexes[0] ?? -1]?.toBase58();
}

function sameAccount(a: AccountState | null, b: AccountState | null): boolean {
  if (a === null || b === null) return a === b;
  return (
    a.lamports === b.lamports &&
    a.owner === b.owner &&
    a.executable === b.executable &&
    Buffer.compare(a.data, b.data) === 0
  );
}

function metaFields(
  meta: TransactionMetadata,
): Pick<SimulationResult, 'logs' | 'unitsConsumed' | 'returnData' | 'innerInstructions'> {
  const innerInstructions: { index: number; instructions: InnerInstructionJson[] }[] = [];
  meta.innerInstructions().forEach((list, index) => {
    if (list.length === 0) return;
    innerInstructions.push({
      index,
      instructions: list.map((inner) => {
        const ix = inner.instruction();
        return {
          programIdIndex: ix.programIdIndex(),
          accounts: [...ix.accounts()],
          data: toBase58(ix.data()),
          stackHeight: inner.stackHeight(),
        };
      }),
    });
  });
  const returned = meta.returnData();
  const returnBytes = returned.data();
  return {
    logs: meta.logs(),
    unitsConsumed: Number(meta.computeUnitsConsumed()),
    innerInstructions,
    returnData:
      returnBytes.length > 0
        ? { programId: toBase58(returned.programId()), data: [toBase64(returnBytes), 'base64'] }
        : null,
  };
}

function emptySimulation(
  err: TransactionErrorJson,
  replacementBlockhash: SimulationResult['replacementBlockhash'],
): SimulationResult {
  return {
    err,
    logs: [],
    unitsConsumed: 0,
    returnData: null,
    innerInstructions: [],
    accounts: null,
    replacementBlockhash,
  };
}

/** Solana's preflight failure: -32002 with the simulation's logs in `data`. */
export function preflightError(simulation: SimulationResult): RpcError {
  if (simulation.err === 'SignatureFailure') {
    return new RpcError(
      RPC_TRANSACTION_SIGNATURE_VERIFICATION_FAILURE,
      'Transaction signature verification failure',
    );
  }
  return new RpcError(
    RPC_SEND_TRANSACTION_PREFLIGHT_FAILURE,
    `Transaction simulation failed: ${transactionErrorText(simulation.err ?? 'GenericError')}`,
    {
      err: simulation.err,
      logs: simulation.logs,
      accounts: null,
      unitsConsumed: simulation.unitsConsumed,
      returnData: simulation.returnData,
      innerInstructions: null,
    },
  );
}

/** A transaction that cannot land at all: reported at once rather than left to time out. */
function notLandedError(err: TransactionErrorJson, skippedPreflight: boolean): RpcError {
  if (err === 'SignatureFailure') {
    return new RpcError(
      RPC_TRANSACTION_SIGNATURE_VERIFICATION_FAILURE,
      'Transaction signature verification failure',
    );
  }
  const prefix = skippedPreflight ? 'Transaction was not processed' : 'Transaction simulation failed';
  return new RpcError(RPC_SEND_TRANSACTION_PREFLIGHT_FAILURE, `${prefix}: ${transactionErrorText(err)}`, {
    err,
    logs: [],
    accounts: null,
    unitsConsumed: 0,
    returnData: null,
    innerInstructions: null,
  });
}
