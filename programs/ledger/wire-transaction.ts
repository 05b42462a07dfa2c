// Decodes a transaction as it arrives on the wire, once, into both views the bank needs:
// web3.js's VersionedTransaction (message fields for history and meta) and @solana/kit's
// Transaction (what litesvm executes, decoded in kit-boundary.ts). Anything undecodable is an
// invalid-params error.
import { VersionedTransaction } from '@solana/web3.js';
import { toBase58 } from './codec.js';
import { MAX_TRANSACTION_BYTES } from './constants.js';
import { decodeKitTransaction, type KitTransaction } from './kit-boundary.js';
import { invalidParams } from './rpc-error.js';

export interface WireTransaction {
  readonly wire: Uint8Array;
  readonly signature: string;
  readonly tx: VersionedTransaction;
  readonly kit: KitTransaction;
  readonly version: 'legacy' | 0;
}

const SIGNATURE_BYTES = 64;

export function decodeWireTransaction(wire: Uint8Array): WireTransaction {
  if (wire.length > MAX_TRANSACTION_BYTES) {
    throw invalidParams(
      `invalid transaction: ${wire.length} bytes is larger than the ${MAX_TRANSACTION_BYTES}-byte limit`,
    );
  }
  let tx: VersionedTransaction;
  let kit: KitTransaction;
  try {
    tx = VersionedTransaction.deserialize(wire);
    kit = decodeKitTransaction(wire);
  } catch (err) {
    throw invalidParams(`invalid transaction: failed to deserialize (${(err as Error).message})`);
  }
  // web3.js reads past a short buffer without complaint; re-serializing catches truncation.
  let reencoded: Uint8Array;
  try {
    reencoded = tx.serialize();
  } catch (err) {
    throw invalidParams(`invalid transaction: failed to deserialize (${(err as Error).message})`);
  }
  if (reencoded.length !== wire.length) {
    throw invalidParams('invalid transaction: trailing or missing bytes after the message');
  }
  const first = tx.signatures[0];
  if (!first || first.length !== SIGNATURE_BYTES) {
    throw invalidParams('invalid transaction: it carries no signature');
  }
  if (tx.signatures.length !== tx.message.header.numRequiredSignatures) {
    throw invalidParams(
      `invalid transaction: ${tx.signatures.length} signatures for ${tx.message.header.numRequiredSignatures} required signers`,
    );
  }
  const version = tx.version === 'legacy' ? 'legacy' : 0;
  if (tx.version !== 'legacy' && tx.version !== 0) {
    throw invalidParams(`invalid transaction: unsupported version ${String(tx.version)}`);
  }
  return { wire, signature: toBase58(first), tx, kit, version };
}
