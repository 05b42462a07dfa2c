// Codes of identities and key files (Solana CLI format: a JSON array of 64 bytes).
import { type CodeOf, defineErrorCodes } from '../../storage/errors/index.js';

export const KeypairErrorCode = defineErrorCodes('KEYPAIR', {
  EXISTS: 'KEYPAIR_EXISTS',
  /** Not 64 bytes, not an ed25519 secret key, or not JSON. */
  INVALID: 'KEYPAIR_INVALID',
  /** The public half does not match the secret half. */
  MISMATCH: 'KEYPAIR_MISMATCH',
  NOT_FOUND: 'KEYPAIR_NOT_FOUND',
  UNREADABLE: 'KEYPAIR_UNREADABLE',
  UNWRITABLE: 'KEYPAIR_UNWRITABLE',
});
export type KeypairErrorCode = CodeOf<typeof KeypairErrorCode>;
