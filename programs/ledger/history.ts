// Transactions that landed, by signature, with what getTransaction and getSignatureStatuses need.
// Bounded: the oldest entries are dropped past MAX_HISTORY (insertion order of a Map).
import { MAX_HISTORY } from './constants.js';
import type { TokenBalanceJson } from './token-balances.js';
import type { TransactionErrorJson } from './tx-error.js';
import type { WireTransaction } from './wire-transaction.js';

export interface InnerInstructionJson {
  programIdIndex: number;
  accounts: number[];
  data: string;
  stackHeight: number;
}

export interface TransactionRecord {
  readonly signature: string;
  readonly slot: number;
  readonly blockTime: number;
  readonly decoded: WireTransaction;
  /** Static keys followed by lookup-table writable then readonly keys (the runtime's order). */
  readonly accountKeys: string[];
  readonly writable: boolean[];
  readonly loadedAddresses: { writable: string[]; readonly: string[] };
  readonly err: TransactionErrorJson | null;
  readonly fee: number;
  readonly preBalances: number[];
  readonly postBalances: number[];
  readonly preTokenBalances: TokenBalanceJson[];
  readonly postTokenBalances: TokenBalanceJson[];
  readonly logs: string[];
  readonly innerInstructions: { index: number; instructions: InnerInstructionJson[] }[];
  readonly computeUnitsConsumed: number;
  readonly returnData: { programId: string; data: [string, 'base64'] } | null;
}

export class TransactionHistory {
  private readonly bySignature = new Map<string, TransactionRecord>();

  constructor(private readonly capacity = MAX_HISTORY) {}

  add(record: TransactionRecord): void {
    this.bySignature.set(record.signature, record);
    if (this.bySignature.size > this.capacity) {
      const oldest = this.bySignature.keys().next().value;
      if (oldest !== undefined) this.bySignature.delete(oldest);
    }
  }

  get(signature: string): TransactionRecord | undefined {
    return this.bySignature.get(signature);
  }

  get size(): number {
    return this.bySignature.size;
  }

  /** Newest first, optionally only those touching `address`. */
  *newestFirst(address?: string): Generator<TransactionRecord> {
    const all = [...this.bySignature.values()];
    for (let i = all.length - 1; i >= 0; i--) {
      const record = all[i] as TransactionRecord;
      if (address === undefined || record.accountKeys.includes(address)) yield record;
    }
  }
}
