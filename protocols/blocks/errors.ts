// Typed errors of the block fetch protocol; `code` is stable.
import { CodedError, type CodeOf, defineErrorCodes } from '../../storage/errors/index.js';

export const BlocksErrorCode = defineErrorCodes('BLOCKS', {
  MALFORMED_REQUEST: 'BLOCKS_MALFORMED_REQUEST',
  MALFORMED_RESPONSE: 'BLOCKS_MALFORMED_RESPONSE',
  /** A provider sent bytes that do not hash to the CID asked for. */
  BLOCK_HASH_MISMATCH: 'BLOCKS_BLOCK_HASH_MISMATCH',
  BLOCK_TOO_LARGE: 'BLOCKS_BLOCK_TOO_LARGE',
  /** No provider had the block. */
  NOT_FOUND: 'BLOCKS_NOT_FOUND',
  NO_PROVIDERS: 'BLOCKS_NO_PROVIDERS',
  /** No stream could be opened to a provider (it went away, or never answered). */
  UNREACHABLE: 'BLOCKS_UNREACHABLE',
  /** A task file in the manifest has no CID: the bundle was deployed without --publish. */
  NO_CID: 'BLOCKS_NO_CID',
  /** A direct socket without a valid token from the provider's libp2p handshake. */
  UNAUTHORIZED: 'BLOCKS_UNAUTHORIZED',
  STALLED: 'BLOCKS_STALLED',
  TRUNCATED: 'BLOCKS_TRUNCATED',
  ABORTED: 'BLOCKS_ABORTED',
});

export type BlocksErrorCode = CodeOf<typeof BlocksErrorCode>;

export class BlocksError extends CodedError<BlocksErrorCode> {
  constructor(code: BlocksErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, undefined, options);
  }
}

export const blocksReadErrors = {
  stalled: (ms: number) =>
    new BlocksError(BlocksErrorCode.STALLED, `block stream delivered nothing for ${ms} ms`),
  truncated: (got: number, wanted: number, what: string) =>
    new BlocksError(
      BlocksErrorCode.TRUNCATED,
      `block stream ended after ${got} of ${wanted} bytes of ${what}`,
    ),
  aborted: () => new BlocksError(BlocksErrorCode.ABORTED, 'block fetch aborted'),
};
