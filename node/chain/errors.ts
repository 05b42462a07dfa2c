// Codes of the peer's connection to a Solana cluster.
import { type CodeOf, defineErrorCodes } from '../../storage/errors/index.js';

export const ChainErrorCode = defineErrorCodes('CHAIN', {
  BAD_URL: 'CHAIN_BAD_URL',
});
export type ChainErrorCode = CodeOf<typeof ChainErrorCode>;
