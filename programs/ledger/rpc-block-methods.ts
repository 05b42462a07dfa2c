// getBlock, getBlocks, getBlocksWithLimit and getBlockTime, served from the ledger's own blocks
// (blocks.ts) and transaction history, with agave's options, errors and range limits.
import type { LedgerBank } from './bank.js';
import type { Block } from './blocks.js';
import { MAX_BLOCKS_RANGE } from './constants.js';
import type { TransactionRecord } from './history.js';
import {
  invalidParams,
  RPC_BLOCK_CLEANED_UP,
  RPC_BLOCK_NOT_AVAILABLE,
  RPC_SLOT_SKIPPED,
  RPC_UNSUPPORTED_TRANSACTION_VERSION,
  RpcError,
} from './rpc-error.js';
import type { RpcMethods } from './rpc-methods.js';
import { config, optionalBoolean, optionalCount, type Params, requiredCount } from './rpc-params.js';
import { parseTransactionEncoding, type TransactionEncoding, transactionJson } from './transaction-json.js';

type TransactionDetails = 'full' | 'accounts' | 'signatures' | 'none';

/** Blocks are confirmed data: agave refuses `processed` for them. */
function blockConfig(params: Params, index: number): Record<string, unknown> {
  const cfg = config(params, index);
  if (cfg.commitment === 'processed' || cfg.commitment === 'recent') {
    throw invalidParams('Method does not support commitment below `confirmed`');
  }
  return cfg;
}

function parseDetails(value: unknown): TransactionDetails {
  if (value === undefined || value === null) return 'full';
  if (value === 'full' || value === 'accounts' || value === 'signatures' || value === 'none') return value;
  throw invalidParams(`Invalid params: unknown transactionDetails ${JSON.stringify(value)}`);
}

export function unsupportedVersionError(): RpcError {
  return new RpcError(
    RPC_UNSUPPORTED_TRANSACTION_VERSION,
    'Transaction version (0) is not supported by the requesting client. Please try the request again with the following configuration parameter: "maxSupportedTransactionVersion": 0',
  );
}

/** The `accounts` detail level: signatures and the full key list with flags, meta without logs. */
function accountsOnly(record: TransactionRecord, withVersion: boolean) {
  const message = record.decoded.tx.message;
  const full = transactionJson(record, 'json', withVersion);
  const {
    innerInstructions: _i,
    logMessages: _l,
    returnData: _r,
    computeUnitsConsumed: _c,
    ...meta
  } = full.meta as Record<string, unknown>;
  return {
    transaction: {
      signatures: (full.transaction as { signatures: string[] }).signatures,
      accountKeys: record.accountKeys.map((pubkey, i) => ({
        pubkey,
        signer: i < message.header.numRequiredSignatures,
        writable: record.writable[i] ?? false,
        source: i < message.staticAccountKeys.length ? 'transaction' : 'lookupTable',
      })),
    },
    meta,
    ...(withVersion ? { version: record.decoded.version } : {}),
  };
}

export function createBlockMethods(bank: LedgerBank): RpcMethods {
  /** The block of `slot`, or agave's error for why there is none. */
  const blockAt = (slot: number): Block => {
    const block = bank.blocks.get(slot);
    if (block) return block;
    const last = bank.blocks.lastSlot;
    if (last === undefined || slot > last) {
      throw new RpcError(RPC_BLOCK_NOT_AVAILABLE, `Block not available for slot ${slot}`);
    }
    const first = bank.blocks.firstAvailable ?? bank.firstSlot;
    if (slot < first) {
      throw new RpcError(
        RPC_BLOCK_CLEANED_UP,
        `Block ${slot} cleaned up, does not exist on node. First available block: ${first}`,
      );
    }
    throw new RpcError(
      RPC_SLOT_SKIPPED,
      `Slot ${slot} was skipped, or missing due to ledger jump to recent snapshot`,
    );
  };

  const records = (block: Block): TransactionRecord[] => {
    const out: TransactionRecord[] = [];
    for (const signature of block.signatures) {
      const record = bank.history.get(signature);
      if (!record)
        throw new RpcError(RPC_BLOCK_CLEANED_UP, `Block ${block.slot} cleaned up, does not exist on node`);
      out.push(record);
    }
    return out;
  };

  const lastConfirmed = () => bank.blocks.lastSlot ?? bank.firstSlot;

  return {
    getBlock: (params) => {
      const slot = requiredCount(params, 0, 'slot');
      const cfg = typeof params[1] === 'string' ? { encoding: params[1] } : blockConfig(params, 1);
      const encoding: TransactionEncoding = parseTransactionEncoding(cfg.encoding);
      const details = parseDetails(cfg.transactionDetails);
      const rewards = optionalBoolean(cfg, 'rewards') ?? true;
      const maxVersion = optionalCount(cfg, 'maxSupportedTransactionVersion');
      if (maxVersion !== undefined && maxVersion > 0) {
        throw invalidParams(
          `Invalid params: maxSupportedTransactionVersion ${maxVersion} is not supported; use 0`,
        );
      }
      const block = blockAt(slot);
      const txs = records(block);
      const withVersion = maxVersion !== undefined;
      if (
        !withVersion &&
        details !== 'none' &&
        details !== 'signatures' &&
        txs.some((r) => r.decoded.version !== 'legacy')
      ) {
        throw unsupportedVersionError();
      }
      const out: Record<string, unknown> = {
        blockHeight: block.blockHeight,
        blockTime: block.blockTime,
        blockhash: block.blockhash,
        parentSlot: block.parentSlot,
        previousBlockhash: block.previousBlockhash,
      };
      if (details === 'full') {
        out.transactions = txs.map((r) => {
          const { slot: _s, blockTime: _t, ...entry } = transactionJson(r, encoding, withVersion);
          return entry;
        });
      } else if (details === 'accounts') {
        out.transactions = txs.map((r) => accountsOnly(r, withVersion));
      } else if (details === 'signatures') {
        out.signatures = [...block.signatures];
      }
      // This chain pays no rewards; the field is there (empty) unless the client said rewards: false.
      if (rewards) out.rewards = [];
      return out;
    },
    getBlockTime: (params) => blockAt(requiredCount(params, 0, 'slot')).blockTime,
    getBlocks: (params) => {
      const start = requiredCount(params, 0, 'start slot');
      const endGiven = typeof params[1] === 'number';
      const end = endGiven ? requiredCount(params, 1, 'end slot') : start + MAX_BLOCKS_RANGE;
      blockConfig(params, endGiven || params[1] === null ? 2 : 1);
      if (endGiven && end - start > MAX_BLOCKS_RANGE) {
        throw invalidParams(`Slot range too large; max ${MAX_BLOCKS_RANGE}`);
      }
      return bank.blocks.slotsIn(start, Math.min(end, lastConfirmed()));
    },
    getBlocksWithLimit: (params) => {
      const start = requiredCount(params, 0, 'start slot');
      const limit = requiredCount(params, 1, 'limit');
      blockConfig(params, 2);
      if (limit > MAX_BLOCKS_RANGE) throw invalidParams(`Limit too large; max ${MAX_BLOCKS_RANGE}`);
      return bank.blocks.slotsIn(start, lastConfirmed(), limit);
    },
  };
}
