// Pre/post token balances of a transaction's accounts, in the shape getTransaction's meta carries
// (preTokenBalances / postTokenBalances). Reads SPL Token and Token-2022 account layouts directly.
import { toBase58 } from './codec.js';

export const TOKEN_PROGRAM_ID = 'TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA';
export const TOKEN_2022_PROGRAM_ID = 'TokenzQdBNbLqP5VEhdkAS6EPFLC1PHnBqCXEpPxuEb';

const TOKEN_ACCOUNT_LEN = 165;
const MINT_DECIMALS_OFFSET = 44;
const TOKEN_ACCOUNT_STATE_OFFSET = 108;
const TOKEN_2022_ACCOUNT_TYPE_OFFSET = 165;
const TOKEN_2022_ACCOUNT_TYPE_ACCOUNT = 2;

export interface TokenAccountFields {
  mint: string;
  owner: string;
  amount: bigint;
}

export interface TokenBalanceJson {
  accountIndex: number;
  mint: string;
  owner: string;
  programId: string;
  uiTokenAmount: { amount: string; decimals: number; uiAmount: number | null; uiAmountString: string };
}

/** The mint, owner and amount of an initialized token account, or undefined for anything else. */
export function readTokenAccount(owner: string, data: Uint8Array): TokenAccountFields | undefined {
  if (owner !== TOKEN_PROGRAM_ID && owner !== TOKEN_2022_PROGRAM_ID) return undefined;
  if (data.length < TOKEN_ACCOUNT_LEN) return undefined;
  if (owner === TOKEN_PROGRAM_ID && data.length !== TOKEN_ACCOUNT_LEN) return undefined;
  if (
    data.length > TOKEN_ACCOUNT_LEN &&
    data[TOKEN_2022_ACCOUNT_TYPE_OFFSET] !== TOKEN_2022_ACCOUNT_TYPE_ACCOUNT
  ) {
    return undefined;
  }
  if (data[TOKEN_ACCOUNT_STATE_OFFSET] === 0) return undefined; // uninitialized
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  return {
    mint: toBase58(data.subarray(0, 32)),
    owner: toBase58(data.subarray(32, 64)),
    amount: view.getBigUint64(64, true),
  };
}

export function readMintDecimals(data: Uint8Array | undefined): number {
  return data && data.length > MINT_DECIMALS_OFFSET ? (data[MINT_DECIMALS_OFFSET] ?? 0) : 0;
}

/** Decimal string of `amount` scaled down by `decimals`, trailing zeros trimmed ("1.5", "0"). */
export function uiAmountString(amount: bigint, decimals: number): string {
  if (decimals === 0) return amount.toString();
  const digits = amount.toString().padStart(decimals + 1, '0');
  const whole = digits.slice(0, -decimals);
  const frac = digits.slice(-decimals).replace(/0+$/, '');
  return frac ? `${whole}.${frac}` : whole;
}

export function uiTokenAmount(amount: bigint, decimals: number): TokenBalanceJson['uiTokenAmount'] {
  const text = uiAmountString(amount, decimals);
  return { amount: amount.toString(), decimals, uiAmount: Number(text), uiAmountString: text };
}

export interface AccountView {
  owner: string;
  data: Uint8Array;
}

/** Token balances of the given accounts (indexed as in the transaction's account keys). */
export function tokenBalances(
  accounts: ReadonlyArray<AccountView | null>,
  mintData: (mint: string) => Uint8Array | undefined,
): TokenBalanceJson[] {
  const out: TokenBalanceJson[] = [];
  accounts.forEach((account, accountIndex) => {
    if (!account) return;
    const fields = readTokenAccount(account.owner, account.data);
    if (!fields) return;
    out.push({
      accountIndex,
      mint: fields.mint,
      owner: fields.owner,
      programId: account.owner,
      uiTokenAmount: uiTokenAmount(fields.amount, readMintDecimals(mintData(fields.mint))),
    });
  });
  return out;
}
