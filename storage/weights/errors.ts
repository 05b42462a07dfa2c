// Typed errors of the weight store; `code` is stable.
import { CodedError, type CodeOf, defineErrorCodes } from '../errors/index.js';

export const WeightStoreErrorCode = defineErrorCodes('WEIGHTS', {
  INVALID_CID: 'WEIGHTS_INVALID_CID',
  /** A block's bytes do not hash to the digest in its CID. */
  BLOCK_HASH_MISMATCH: 'WEIGHTS_BLOCK_HASH_MISMATCH',
  UNSUPPORTED_HASH: 'WEIGHTS_UNSUPPORTED_HASH',
  MISSING_BLOCK: 'WEIGHTS_MISSING_BLOCK',
  /** An assembled file's sha256 differs from the one the manifest declares. */
  FILE_HASH_MISMATCH: 'WEIGHTS_FILE_HASH_MISMATCH',
  NOT_A_FILE: 'WEIGHTS_NOT_A_FILE',
  BAD_BUNDLE: 'WEIGHTS_BAD_BUNDLE',
});

export type WeightStoreErrorCode = CodeOf<typeof WeightStoreErrorCode>;

export class WeightStoreError extends CodedError<WeightStoreErrorCode> {
  constructor(code: WeightStoreErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, undefined, options);
  }
}
