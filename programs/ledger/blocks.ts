// The ledger's blocks: one per ended slot (parent, blockhash, time, height and the signatures of
// the transactions that landed in it), what getBlock, getBlocks and getBlockTime read, and the
// performance samples of getRecentPerformanceSamples. Bounded: the oldest blocks are dropped past
// MAX_BLOCKS_KEPT, and a block whose transactions history has dropped is gone too.
import { MAX_BLOCKS_KEPT, MAX_PERFORMANCE_SAMPLES, PERFORMANCE_SAMPLE_PERIOD_SECS } from './constants.js';
import type { TransactionHistory } from './history.js';

export interface Block {
  readonly slot: number;
  readonly parentSlot: number;
  readonly blockhash: string;
  readonly previousBlockhash: string;
  readonly blockTime: number;
  readonly blockHeight: number;
  readonly signatures: readonly string[];
}

export interface PerformanceSample {
  slot: number;
  numTransactions: number;
  numSlots: number;
  samplePeriodSecs: number;
  numNonVoteTransactions: number;
}

export class BlockStore {
  private readonly bySlot = new Map<number, Block>();
  private open: string[] = [];
  private last: { slot: number; blockhash: string } | undefined;
  private readonly samples: PerformanceSample[] = [];
  private sampleStart: { at: number; slot: number; transactions: number };

  constructor(
    private readonly history: TransactionHistory,
    private readonly genesis: { slot: number; blockhash: string },
    private readonly now: () => number = Date.now,
  ) {
    this.sampleStart = { at: now(), slot: genesis.slot, transactions: 0 };
  }

  /** A transaction landed in the open slot. */
  addTransaction(signature: string): void {
    this.open.push(signature);
  }

  /** The open slot ended: it becomes a block. */
  close(slot: number, blockhash: string, blockHeight: number, transactionCount: number): void {
    const previous = this.last ?? this.genesis;
    this.bySlot.set(slot, {
      slot,
      parentSlot: this.last ? this.last.slot : this.genesis.slot,
      blockhash,
      previousBlockhash: previous.blockhash,
      blockTime: Math.floor(this.now() / 1000),
      blockHeight,
      signatures: this.open,
    });
    this.last = { slot, blockhash };
    this.open = [];
    this.prune();
    this.sample(slot, transactionCount);
  }

  get(slot: number): Block | undefined {
    return this.bySlot.get(slot);
  }

  /** The oldest slot whose block is still whole; undefined before the first block. */
  get firstAvailable(): number | undefined {
    return this.bySlot.keys().next().value;
  }

  get lastSlot(): number | undefined {
    return this.last?.slot;
  }

  /** Slots in [start, end] that have a block, ascending, at most `limit`. */
  slotsIn(start: number, end: number, limit = Number.POSITIVE_INFINITY): number[] {
    const out: number[] = [];
    const first = Math.max(start, this.firstAvailable ?? start);
    for (let slot = first; slot <= end && out.length < limit; slot++) {
      if (this.bySlot.has(slot)) out.push(slot);
    }
    return out;
  }

  /** How many blocks lie in [start, end]. */
  countIn(start: number, end: number): number {
    let count = 0;
    for (const slot of this.bySlot.keys()) if (slot >= start && slot <= end) count++;
    return count;
  }

  /** Newest first, as the validator answers. */
  recentSamples(limit: number): PerformanceSample[] {
    return this.samples.slice(-limit).reverse();
  }

  private prune(): void {
    for (const [slot, block] of this.bySlot) {
      const dropped = block.signatures.length > 0 && !this.history.get(block.signatures[0] as string);
      if (this.bySlot.size <= MAX_BLOCKS_KEPT && !dropped) break;
      this.bySlot.delete(slot);
    }
  }

  /** One sample per PERFORMANCE_SAMPLE_PERIOD_SECS of wall time, as the validator keeps them. */
  private sample(slot: number, transactions: number): void {
    const at = this.now();
    if (at - this.sampleStart.at < PERFORMANCE_SAMPLE_PERIOD_SECS * 1000) return;
    const numTransactions = transactions - this.sampleStart.transactions;
    this.samples.push({
      slot,
      numTransactions,
      numSlots: slot - this.sampleStart.slot,
      samplePeriodSecs: PERFORMANCE_SAMPLE_PERIOD_SECS,
      numNonVoteTransactions: numTransactions,
    });
    if (this.samples.length > MAX_PERFORMANCE_SAMPLES) this.samples.shift();
    this.sampleStart = { at, slot, transactions };
  }
}
