// Typed failures of liveness tables and their membership proofs.
import { CodedError, type CodeOf, defineErrorCodes } from '../../../storage/errors/index.js';

export const MerkleErrorCode = defineErrorCodes('MERKLE', {
  /** A proof whose index, size or path length cannot describe a leaf of that tree. */
  MALFORMED_PROOF: 'MERKLE_MALFORMED_PROOF',
  /** A leaf index outside the tree. */
  INVALID_INDEX: 'MERKLE_INVALID_INDEX',
});
export type MerkleErrorCode = CodeOf<typeof MerkleErrorCode>;

export const LivenessTableErrorCode = defineErrorCodes('LIVENESS_TABLE', {
  /** More nodes or tasks than a table holds. */
  TOO_LARGE: 'LIVENESS_TABLE_TOO_LARGE',
  /** A membership proof for a task or node the table does not list. */
  NOT_FOUND: 'LIVENESS_TABLE_NOT_FOUND',
  /** A membership proof whose fields do not fit together (lengths, indexes, sizes). */
  MALFORMED_PROOF: 'LIVENESS_TABLE_MALFORMED_PROOF',
});
export type LivenessTableErrorCode = CodeOf<typeof LivenessTableErrorCode>;

export class LivenessTableError extends CodedError<LivenessTableErrorCode> {
  constructor(code: LivenessTableErrorCode, message: string) {
    super(code, message);
  }
}

export class MerkleError extends CodedError<MerkleErrorCode> {
  constructor(code: MerkleErrorCode, message: string) {
    super(code, message);
  }
}
