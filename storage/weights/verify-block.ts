// Checks that a block's bytes are what its CID names: the multihash of the bytes must equal the
// CID's multihash. Used on every block that arrives from another peer, before it is stored.
import { createHash } from 'node:crypto';
import type { CID } from 'multiformats/cid';
import { WeightStoreError, WeightStoreErrorCode } from './errors.js';

/** Multihash code of sha2-256, the hash of every CID SplitUp creates. */
export const SHA2_256_CODE = 0x12;

export function verifyBlock(cid: CID, bytes: Uint8Array): void {
  if (cid.multihash.code !== SHA2_256_CODE) {
    throw new WeightStoreError(
      WeightStoreErrorCode.UNSUPPORTED_HASH,
      `block ${cid} uses multihash 0x${cid.multihash.code.toString(16)}; only sha2-256 is accepted`,
    );
  }
  const digest = createHash('sha256').update(bytes).digest();
  if (!digest.equals(cid.multihash.digest)) {
    throw new WeightStoreError(
      WeightStoreErrorCode.BLOCK_HASH_MISMATCH,
      `block ${cid}: its ${bytes.byteLength} bytes hash to ${digest.toString('hex')}, not the CID's digest`,
    );
  }
}
