// Accounts as Solana's RPC returns them (getAccountInfo, getMultipleAccounts, getProgramAccounts,
// accountNotification), in the requested encoding, with optional dataSlice and filters.
import type { AccountState } from './bank.js';
import { fromBase58, fromBase64, toBase58, toBase64 } from './codec.js';
import { MAX_BASE58_DATA_BYTES, MAX_FILTERS, MAX_MEMCMP_BYTES, RENT_EPOCH_EXEMPT } from './constants.js';
import { invalidParams } from './rpc-error.js';
import {
  readMintDecimals,
  readTokenAccount,
  TOKEN_2022_PROGRAM_ID,
  TOKEN_PROGRAM_ID,
  uiTokenAmount,
} from './token-balances.js';

export type AccountEncoding = 'binary' | 'base58' | 'base64' | 'jsonParsed';

export interface DataSlice {
  offset: number;
  length: number;
}

export interface AccountJson {
  lamports: number;
  owner: string;
  data: string | [string, string] | { program: string; parsed: unknown; space: number };
  executable: boolean;
  rentEpoch: number;
  space: number;
}

export function parseEncoding(value: unknown, fallback: AccountEncoding): AccountEncoding {
  if (value === undefined || value === null) return fallback;
  if (value === 'binary' || value === 'base58' || value === 'base64' || value === 'jsonParsed') return value;
  if (value === 'base64+zstd') {
    throw invalidParams('Invalid param: encoding base64+zstd is not supported by this ledger; use base64');
  }
  throw invalidParams(`Invalid param: unknown encoding ${JSON.stringify(value)}`);
}

export function parseDataSlice(value: unknown): DataSlice | undefined {
  if (value === undefined || value === null) return undefined;
  const slice = value as Partial<DataSlice>;
  if (!isCount(slice.offset) || !isCount(slice.length)) {
    throw invalidParams('Invalid param: dataSlice needs non-negative integer offset and length');
  }
  return { offset: slice.offset, length: slice.length };
}

function isCount(n: unknown): n is number {
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;
}

/** jsonParsed view of SPL token accounts and mints; undefined when the account is neither. */
function parsedTokenData(
  account: AccountState,
  mintData: (mint: string) => Uint8Array | undefined,
): AccountJson['data'] | undefined {
  if (account.owner !== TOKEN_PROGRAM_ID && account.owner !== TOKEN_2022_PROGRAM_ID) return undefined;
  const program = account.owner === TOKEN_PROGRAM_ID ? 'spl-token' : 'spl-token-2022';
  const token = readTokenAccount(account.owner, account.data);
  if (token) {
    const decimals = readMintDecimals(mintData(token.mint));
    return {
      program,
      parsed: {
        type: 'account',
        info: {
          mint: token.mint,
          owner: token.owner,
          tokenAmount: uiTokenAmount(token.amount, decimals),
          state: account.data[108] === 2 ? 'frozen' : 'initialized',
          isNative: false,
        },
      },
      space: account.data.length,
    };
  }
  const MINT_LEN = 82;
  if (account.data.length === MINT_LEN) {
    const view = new DataView(account.data.buffer, account.data.byteOffset, account.data.byteLength);
    const option = (at: number) =>
      view.getUint32(at, true) === 1 ? toBase58(account.data.subarray(at + 4, at + 36)) : null;
    return {
      program,
      parsed: {
        type: 'mint',
        info: {
          mintAuthority: option(0),
          supply: view.getBigUint64(36, true).toString(),
          decimals: account.data[44],
          isInitialized: account.data[45] === 1,
          freezeAuthority: option(46),
        },
      },
      space: MINT_LEN,
    };
  }
  return undefined;
}

export function accountJson(
  account: AccountState,
  encoding: AccountEncoding,
  slice?: DataSlice,
  mintData: (mint: string) => Uint8Array | undefined = () => undefined,
): AccountJson {
  const bytes = slice ? account.data.subarray(slice.offset, slice.offset + slice.length) : account.data;
  let data: AccountJson['data'];
  if (encoding === 'jsonParsed') {
    data = (!slice && parsedTokenData(account, mintData)) || [toBase64(bytes), 'base64'];
  } else if (encoding === 'base64') {
    data = [toBase64(bytes), 'base64'];
  } else {
    if (bytes.length > MAX_BASE58_DATA_BYTES) {
      throw invalidParams(
        `Encoded binary (base 58) data should be less than ${MAX_BASE58_DATA_BYTES} bytes, please use Base64 encoding.`,
      );
    }
    data = encoding === 'base58' ? [toBase58(bytes), 'base58'] : toBase58(bytes);
  }
  return {
    lamports: Number(account.lamports),
    owner: account.owner,
    data,
    executable: account.executable,
    rentEpoch: Number(RENT_EPOCH_EXEMPT),
    space: account.data.length,
  };
}

export type AccountFilter =
  | { kind: 'dataSize'; size: number }
  | { kind: 'memcmp'; offset: number; bytes: Uint8Array };

/** Parses getProgramAccounts / programSubscribe filters ({memcmp}, {dataSize}). */
export function parseFilters(value: unknown): AccountFilter[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw invalidParams('Invalid param: filters must be an array');
  if (value.length > MAX_FILTERS) throw invalidParams(`Too many filters provided; max ${MAX_FILTERS}`);
  return value.map((raw, index): AccountFilter => {
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      throw invalidParams(
        `Invalid param: filter ${index} must be an object, {dataSize: n} or {memcmp: {offset, bytes}}, got ${JSON.stringify(raw)}`,
      );
    }
    const filter = raw as {
      dataSize?: unknown;
      memcmp?: { offset?: unknown; bytes?: unknown; encoding?: unknown };
    };
    if ('dataSize' in filter) {
      if (!isCount(filter.dataSize))
        throw invalidParams('Invalid param: dataSize must be a non-negative integer');
      return { kind: 'dataSize', size: filter.dataSize };
    }
    if (typeof filter.memcmp === 'object' && filter.memcmp !== null) {
      const { offset, bytes, encoding } = filter.memcmp;
      if (!isCount(offset))
        throw invalidParams('Invalid param: memcmp.offset must be a non-negative integer');
      if (typeof bytes !== 'string') throw invalidParams('Invalid param: memcmp.bytes must be a string');
      if (encoding !== undefined && encoding !== 'base58' && encoding !== 'base64') {
        throw invalidParams('Invalid param: memcmp.encoding must be base58 or base64');
      }
      const decoded =
        encoding === 'base64'
          ? fromBase64(bytes, 'memcmp.bytes', MAX_MEMCMP_BYTES)
          : fromBase58(bytes, 'memcmp.bytes', MAX_MEMCMP_BYTES);
      if (decoded.length > MAX_MEMCMP_BYTES) {
        throw invalidParams(`Invalid param: memcmp.bytes is more than ${MAX_MEMCMP_BYTES} bytes`);
      }
      return { kind: 'memcmp', offset, bytes: decoded };
    }
    throw invalidParams(`Invalid param: unknown filter ${JSON.stringify(raw)}`);
  });
}

export function matchesFilters(data: Uint8Array, filters: readonly AccountFilter[]): boolean {
  return filters.every((f) => {
    if (f.kind === 'dataSize') return data.length === f.size;
    if (f.offset + f.bytes.length > data.length) return false;
    return Buffer.compare(data.subarray(f.offset, f.offset + f.bytes.length), f.bytes) === 0;
  });
}
