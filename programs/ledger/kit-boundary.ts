// The ledger's one @solana/kit file: litesvm takes kit-branded addresses, lamports and decoded
// transactions, while the rest of the ledger speaks web3.js (what its RPC clients send). Keeping
// kit here keeps each file on one Solana SDK.
import {
  type Address,
  address,
  getBase58Decoder,
  getTransactionDecoder,
  type Lamports,
  lamports,
  type Transaction,
} from '@solana/kit';

/** A transaction as litesvm executes it. */
export type KitTransaction = Transaction;

export function kitAddress(pubkey: string): Address {
  return address(pubkey);
}

export function kitLamports(amount: bigint): Lamports {
  return lamports(amount);
}

const transactionDecoder = getTransactionDecoder();

/** Throws on bytes that are not a transaction (the caller turns that into invalid params). */
export function decodeKitTransaction(wire: Uint8Array): KitTransaction {
  return transactionDecoder.decode(wire);
}

const base58Text = getBase58Decoder();

export function bytesToBase58(bytes: Uint8Array): string {
  return base58Text.decode(bytes);
}
