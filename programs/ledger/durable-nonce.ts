// Durable nonces as a validator derives them. litesvm hands the System program the transaction's
// own recentBlockhash as "the bank's blockhash", so AdvanceNonceAccount stores a nonce derived
// from that hash and refuses ("nonce can only advance once per slot") a transaction that reuses an
// older but valid blockhash. A validator derives both the check and the new nonce from the bank's
// current blockhash. The ledger brings the two in line around each execution: before it, the
// stored nonce is set so the runtime's check decides as the validator's would; after it, the nonce
// is set to the one derived from the bank's blockhash.
import { createHash } from 'node:crypto';
import { fromBase58, toBase58 } from './codec.js';
import type { WireTransaction } from './wire-transaction.js';

const SYSTEM_PROGRAM = '11111111111111111111111111111111';
/** SystemInstruction discriminants (u32 little-endian). */
const ADVANCE_NONCE = 4;
const INITIALIZE_NONCE = 6;
/** nonce::state::Versions::Current: u32 version, u32 state (1 = initialized), authority, nonce, fee. */
export const NONCE_ACCOUNT_BYTES = 80;
const STATE_OFFSET = 4;
const STATE_INITIALIZED = 1;
const NONCE_OFFSET = 40;
const FEE_OFFSET = 72;

/** DurableNonce::from_blockhash: sha256("DURABLE_NONCE" || blockhash). */
export function durableNonceFrom(blockhash: string): Uint8Array {
  return new Uint8Array(
    createHash('sha256')
      .update('DURABLE_NONCE')
      .update(fromBase58(blockhash, 'blockhash', 32))
      .digest(),
  );
}

export function isInitializedNonce(data: Uint8Array): boolean {
  return (
    data.length === NONCE_ACCOUNT_BYTES &&
    new DataView(data.buffer, data.byteOffset).getUint32(STATE_OFFSET, true) === STATE_INITIALIZED
  );
}

export function storedNonce(data: Uint8Array): string {
  return toBase58(data.subarray(NONCE_OFFSET, NONCE_OFFSET + 32));
}

/** A copy of nonce account data with `nonce` stored (and the fee it was stored under). */
export function withNonce(data: Uint8Array, nonce: Uint8Array, lamportsPerSignature: number): Uint8Array {
  const out = new Uint8Array(data);
  out.set(nonce, NONCE_OFFSET);
  new DataView(out.buffer).setBigUint64(FEE_OFFSET, BigInt(lamportsPerSignature), true);
  return out;
}

/** The nonce accounts the transaction's System instructions advance or initialize. */
export function nonceAccountsWritten(
  decoded: WireTransaction,
  keys: readonly string[],
): {
  advanced: string[];
  initialized: string[];
} {
  const advanced: string[] = [];
  const initialized: string[] = [];
  for (const ix of decoded.tx.message.compiledInstructions) {
    if (keys[ix.programIdIndex] !== SYSTEM_PROGRAM || ix.data.length < 4) continue;
    const kind = new DataView(ix.data.buffer, ix.data.byteOffset).getUint32(0, true);
    const account = keys[ix.accountKeyIndexes[0] ?? -1];
    if (account === undefined) continue;
    if (kind === ADVANCE_NONCE) advanced.push(account);
    else if (kind === INITIALIZE_NONCE) initialized.push(account);
  }
  return { advanced, initialized };
}
