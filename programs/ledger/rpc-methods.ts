// The HTTP JSON-RPC methods of the ledger: the part of Solana's API that @solana/web3.js,
// @solana/spl-token and @coral-xyz/anchor call. Each handler validates its params and reads or
// drives the bank; commitment levels are accepted and all answer from the one (final) state.
import { VersionedMessage } from '@solana/web3.js';
import {
  type AccountEncoding,
  accountJson,
  matchesFilters,
  parseDataSlice,
  parseEncoding,
  parseFilters,
} from './account-json.js';
import type { AccountState, LedgerBank, SimulationResult } from './bank.js';
import { fromBase58, fromBase64, parsePubkey, parseSignature } from './codec.js';
import {
  MAX_MULTIPLE_ACCOUNTS,
  MAX_SIGNATURE_STATUSES,
  MAX_SIGNATURES_FOR_ADDRESS,
  MAX_TRANSACTION_BYTES,
  REPORTED_SOLANA_CORE_VERSION,
  SLOTS_PER_EPOCH,
} from './constants.js';
import { transactionFee } from './fee.js';
import { createBlockMethods } from './rpc-block-methods.js';
import { createClusterMethods, type NetworkAddresses } from './rpc-cluster-methods.js';
import {
  invalidParams,
  RPC_MIN_CONTEXT_SLOT_NOT_REACHED,
  RPC_UNSUPPORTED_TRANSACTION_VERSION,
  RpcError,
} from './rpc-error.js';
import {
  config,
  optionalBoolean,
  optionalCount,
  type Params,
  requiredArray,
  requiredCount,
  requiredString,
} from './rpc-params.js';
import {
  readMintDecimals,
  readTokenAccount,
  TOKEN_2022_PROGRAM_ID,
  TOKEN_PROGRAM_ID,
  uiTokenAmount,
} from './token-balances.js';
import { parseTransactionEncoding, transactionJson } from './transaction-json.js';

export type RpcHandler = (params: Params) => unknown;
export type RpcMethods = Record<string, RpcHandler>;

/** Version reported in every response context, as agave does. */
const API_VERSION = REPORTED_SOLANA_CORE_VERSION;

export function createRpcMethods(
  bank: LedgerBank,
  network: NetworkAddresses = { rpc: null, pubsub: null },
): RpcMethods {
  const context = () => ({ slot: bank.slot, apiVersion: API_VERSION });
  const withContext = (value: unknown) => ({ context: context(), value });
  const mintData = (mint: string) => bank.getAccount(mint)?.data;

  /** Rejects a request that insists on a slot this ledger has not reached. */
  const checkMinContextSlot = (cfg: Record<string, unknown>) => {
    const min = optionalCount(cfg, 'minContextSlot');
    if (min !== undefined && min > bank.slot) {
      throw new RpcError(RPC_MIN_CONTEXT_SLOT_NOT_REACHED, 'Minimum context slot has not been reached', {
        contextSlot: bank.slot,
      });
    }
  };

  /**
   * The slot a commitment sees. `processed` is the slot being filled; confirmed and finalized (the
   * default) see the last ended slot, as on a validator: that slot is in SlotHashes, so a lookup
   * table created with it is accepted.
   */
  const committedSlot = (cfg: Record<string, unknown>) =>
    cfg.commitment === 'processed' || cfg.commitment === 'recent' || bank.slot === bank.firstSlot
      ? bank.slot
      : bank.slot - 1;

  const encodeAccount = (
    account: AccountState | null,
    cfg: Record<string, unknown>,
    fallback: AccountEncoding,
  ) =>
    account
      ? accountJson(account, parseEncoding(cfg.encoding, fallback), parseDataSlice(cfg.dataSlice), mintData)
      : null;

  const decodeTransactionParam = (params: Params, cfg: Record<string, unknown>): Uint8Array => {
    const text = requiredString(params, 0, 'transaction');
    const encoding = cfg.encoding ?? 'base58';
    if (encoding === 'base64') return fromBase64(text, 'transaction', MAX_TRANSACTION_BYTES);
    if (encoding === 'base58') return fromBase58(text, 'transaction', MAX_TRANSACTION_BYTES);
    throw invalidParams(
      `Invalid params: unsupported transaction encoding ${JSON.stringify(encoding)}; use base58 or base64`,
    );
  };

  const simulationJson = (
    result: SimulationResult,
    accountEncoding: AccountEncoding,
    innerInstructions: boolean,
  ) => ({
    err: result.err,
    logs: result.logs,
    accounts:
      result.accounts?.map((a) => (a ? accountJson(a, accountEncoding, undefined, mintData) : null)) ?? null,
    unitsConsumed: result.unitsConsumed,
    returnData: result.returnData,
    innerInstructions: innerInstructions ? result.innerInstructions : null,
    ...(result.replacementBlockhash ? { replacementBlockhash: result.replacementBlockhash } : {}),
  });

  const tokenAccount = (pubkey: string) => {
    const account = bank.getAccount(parsePubkey(pubkey));
    const fields = account ? readTokenAccount(account.owner, account.data) : undefined;
    if (!fields) throw invalidParams('Invalid param: not a Token account');
    return fields;
  };

  return {
    ...createClusterMethods(bank, network, committedSlot),
    ...createBlockMethods(bank),
    getHealth: () => 'ok',
    getVersion: () => ({ 'solana-core': REPORTED_SOLANA_CORE_VERSION, 'feature-set': 0 }),
    getIdentity: () => ({ identity: bank.identity }),
    getGenesisHash: () => bank.genesisHash,
    getFirstAvailableBlock: () => bank.blocks.firstAvailable ?? bank.firstSlot,
    getSlot: (params) => {
      const cfg = config(params, 0);
      checkMinContextSlot(cfg);
      return committedSlot(cfg);
    },
    getBlockHeight: (params) => {
      checkMinContextSlot(config(params, 0));
      return bank.blockHeight;
    },
    getTransactionCount: (params) => {
      config(params, 0);
      return bank.transactionsProcessed;
    },
    getEpochInfo: (params) => {
      config(params, 0);
      return {
        absoluteSlot: bank.slot,
        blockHeight: bank.blockHeight,
        epoch: Math.floor(bank.slot / SLOTS_PER_EPOCH),
        slotIndex: bank.slot % SLOTS_PER_EPOCH,
        slotsInEpoch: SLOTS_PER_EPOCH,
        transactionCount: bank.transactionsProcessed,
      };
    },
    getEpochSchedule: () => ({
      slotsPerEpoch: SLOTS_PER_EPOCH,
      leaderScheduleSlotOffset: SLOTS_PER_EPOCH,
      warmup: false,
      firstNormalEpoch: 0,
      firstNormalSlot: 0,
    }),
    getLatestBlockhash: (params) => {
      checkMinContextSlot(config(params, 0));
      return withContext(bank.latestBlockhash());
    },
    isBlockhashValid: (params) => {
      const blockhash = requiredString(params, 0, 'blockhash');
      checkMinContextSlot(config(params, 1));
      return withContext(bank.isBlockhashValid(blockhash));
    },
    getFeeForMessage: (params) => {
      const bytes = fromBase64(requiredString(params, 0, 'message'), 'message', MAX_TRANSACTION_BYTES);
      config(params, 1);
      let message: VersionedMessage;
      try {
        message = VersionedMessage.deserialize(bytes);
      } catch (err) {
        throw invalidParams(`Invalid param: message does not deserialize (${(err as Error).message})`);
      }
      return withContext(bank.isBlockhashValid(message.recentBlockhash) ? transactionFee(message) : null);
    },
    getRecentPrioritizationFees: () => [],
    getMinimumBalanceForRentExemption: (params) => {
      const length = requiredCount(params, 0, 'data length');
      config(params, 1);
      return bank.minimumBalanceForRentExemption(length);
    },
    getBalance: (params) => {
      const pubkey = parsePubkey(params[0]);
      checkMinContextSlot(config(params, 1));
      return withContext(Number(bank.getAccount(pubkey)?.lamports ?? 0n));
    },
    getAccountInfo: (params) => {
      const pubkey = parsePubkey(params[0]);
      const cfg = config(params, 1);
      checkMinContextSlot(cfg);
      return withContext(encodeAccount(bank.getAccount(pubkey), cfg, 'binary'));
    },
    getMultipleAccounts: (params) => {
      const pubkeys = requiredArray(params, 0, 'pubkeys', MAX_MULTIPLE_ACCOUNTS).map((k) => parsePubkey(k));
      const cfg = config(params, 1);
      checkMinContextSlot(cfg);
      return withContext(pubkeys.map((k) => encodeAccount(bank.getAccount(k), cfg, 'base64')));
    },
    getProgramAccounts: (params) => {
      const owner = parsePubkey(params[0], 'program id');
      const cfg = config(params, 1);
      checkMinContextSlot(cfg);
      const filters = parseFilters(cfg.filters);
      const encoding = parseEncoding(cfg.encoding, 'binary');
      const slice = parseDataSlice(cfg.dataSlice);
      const list = bank
        .getProgramAccounts(owner)
        .filter(({ account }) => matchesFilters(account.data, filters))
        .map(({ pubkey, account }) => ({ pubkey, account: accountJson(account, encoding, slice, mintData) }));
      return optionalBoolean(cfg, 'withContext') ? withContext(list) : list;
    },
    getTokenAccountBalance: (params) => {
      const fields = tokenAccount(requiredString(params, 0, 'token account'));
      config(params, 1);
      return withContext(uiTokenAmount(fields.amount, readMintDecimals(mintData(fields.mint))));
    },
    getTokenSupply: (params) => {
      const mint = bank.getAccount(parsePubkey(params[0], 'mint'));
      config(params, 1);
      const MINT_LEN = 82;
      if (
        !mint ||
        mint.data.length < MINT_LEN ||
        (mint.owner !== TOKEN_PROGRAM_ID && mint.owner !== TOKEN_2022_PROGRAM_ID)
      ) {
        throw invalidParams('Invalid param: not a Token mint');
      }
      const supply = new DataView(mint.data.buffer, mint.data.byteOffset).getBigUint64(36, true);
      return withContext(uiTokenAmount(supply, readMintDecimals(mint.data)));
    },
    getTokenAccountsByOwner: (params) => {
      const owner = parsePubkey(params[0], 'owner');
      const filter = params[1] as { mint?: unknown; programId?: unknown } | undefined;
      if (
        !filter ||
        typeof filter !== 'object' ||
        (filter.mint === undefined && filter.programId === undefined)
      ) {
        throw invalidParams('Invalid params: the second parameter must be {mint} or {programId}');
      }
      const cfg = config(params, 2);
      const mint = filter.mint === undefined ? undefined : parsePubkey(filter.mint, 'mint');
      const programs =
        filter.programId === undefined
          ? [TOKEN_PROGRAM_ID, TOKEN_2022_PROGRAM_ID]
          : [parsePubkey(filter.programId, 'programId')];
      const encoding = parseEncoding(cfg.encoding, 'binary');
      const list = programs.flatMap((program) =>
        bank
          .getProgramAccounts(program)
          .filter(({ account }) => {
            const fields = readTokenAccount(account.owner, account.data);
            return (
              fields !== undefined && fields.owner === owner && (mint === undefined || fields.mint === mint)
            );
          })
          .map(({ pubkey, account }) => ({
            pubkey,
            account: accountJson(account, encoding, undefined, mintData),
          })),
      );
      return withContext(list);
    },
    requestAirdrop: (params) => {
      const pubkey = parsePubkey(params[0]);
      const amount = requiredCount(params, 1, 'lamports');
      config(params, 2);
      return bank.submitAirdrop(pubkey, BigInt(amount));
    },
    sendTransaction: (params) => {
      const cfg = config(params, 1);
      checkMinContextSlot(cfg);
      const wire = decodeTransactionParam(params, cfg);
      return bank.submitTransaction(wire, { skipPreflight: optionalBoolean(cfg, 'skipPreflight') === true });
    },
    simulateTransaction: (params) => {
      const cfg = config(params, 1);
      checkMinContextSlot(cfg);
      const wire = decodeTransactionParam(params, cfg);
      const accounts = cfg.accounts as { addresses?: unknown; encoding?: unknown } | undefined;
      let addresses: string[] | undefined;
      let accountEncoding: AccountEncoding = 'base64';
      if (accounts !== undefined && accounts !== null) {
        if (!Array.isArray(accounts.addresses))
          throw invalidParams('Invalid params: accounts.addresses must be an array');
        addresses = accounts.addresses.map((a) => parsePubkey(a, 'accounts.addresses'));
        accountEncoding = parseEncoding(accounts.encoding, 'base64');
        if (accountEncoding === 'binary' || accountEncoding === 'base58') {
          throw invalidParams('Invalid params: simulateTransaction accounts must use base64 or jsonParsed');
        }
      }
      const result = bank.simulateTransaction(wire, {
        sigVerify: optionalBoolean(cfg, 'sigVerify') === true,
        replaceRecentBlockhash: optionalBoolean(cfg, 'replaceRecentBlockhash') === true,
        ...(addresses ? { addresses } : {}),
      });
      return withContext(
        simulationJson(result, accountEncoding, optionalBoolean(cfg, 'innerInstructions') === true),
      );
    },
    getSignatureStatuses: (params) => {
      const signatures = requiredArray(params, 0, 'signatures', MAX_SIGNATURE_STATUSES).map((s) =>
        parseSignature(s),
      );
      config(params, 1);
      return withContext(
        signatures.map((signature) => {
          const status = bank.getSignatureStatus(signature);
          if (!status) return null;
          return {
            slot: status.slot,
            confirmations: null,
            err: status.err,
            status: status.err === null ? { Ok: null } : { Err: status.err },
            confirmationStatus: 'finalized',
          };
        }),
      );
    },
    getTransaction: (params) => {
      const signature = parseSignature(params[0]);
      const cfg = typeof params[1] === 'string' ? { encoding: params[1] } : config(params, 1);
      const encoding = parseTransactionEncoding(cfg.encoding);
      const maxVersion = optionalCount(cfg, 'maxSupportedTransactionVersion');
      const record = bank.history.get(signature);
      if (!record) return null;
      if (record.decoded.version !== 'legacy' && maxVersion === undefined) {
        throw new RpcError(
          RPC_UNSUPPORTED_TRANSACTION_VERSION,
          'Transaction version (0) is not supported by the requesting client. Please try the request again with the following configuration parameter: "maxSupportedTransactionVersion": 0',
        );
      }
      return transactionJson(record, encoding, maxVersion !== undefined);
    },
    getSignaturesForAddress: (params) => {
      const pubkey = parsePubkey(params[0], 'address');
      const cfg = config(params, 1);
      const limit = optionalCount(cfg, 'limit') ?? MAX_SIGNATURES_FOR_ADDRESS;
      if (limit < 1 || limit > MAX_SIGNATURES_FOR_ADDRESS) {
        throw invalidParams(`Invalid limit; max ${MAX_SIGNATURES_FOR_ADDRESS}`);
      }
      const before = cfg.before === undefined ? undefined : parseSignature(cfg.before, 'before');
      const until = cfg.until === undefined ? undefined : parseSignature(cfg.until, 'until');
      const out: unknown[] = [];
      let started = before === undefined;
      for (const record of bank.history.newestFirst(pubkey)) {
        if (!started) {
          started = record.signature === before;
          continue;
        }
        if (record.signature === until || out.length >= limit) break;
        out.push({
          signature: record.signature,
          slot: record.slot,
          err: record.err,
          memo: null,
          blockTime: record.blockTime,
          confirmationStatus: 'finalized',
        });
      }
      return out;
    },
  };
}
