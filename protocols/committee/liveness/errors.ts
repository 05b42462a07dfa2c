// Typed failures of liveness tables and their membership proofs.
import { CodedError, type CodeOf, defineErrorCodes } from '../../../storage/errors/index.js';

export const MerkleErrorCode = defineErrorCodes('MERKLE', {
  /** A proof whose index, size or path length cannot describe a leaf of that tree. */
  MALFORMED_PROOF: 'MERKLE_MALFORMED_PROOF',
  /** A leaf index outside the tree. */
  INVALID_INDEX: 'MERKLE_INVALID_INDEX',
});
export type MerkleErrorCode = CodeOf<typeof MerkleErrorCode>;

export class MerkleError extends CodedError<MerkleErrorCode> {
  constructor(code: MerkleErrorCode, message: string) {
    super(code, message);
  }
}
