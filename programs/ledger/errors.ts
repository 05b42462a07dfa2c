// Codes of the local development ledger (`splitup ledger`), on programs/' own coded-error base:
// the ledger lives in programs/, which imports nothing of ours.
import { type CodeOf, defineErrorCodes, ProgramsCodedError } from '../coded-error.js';

export const LedgerErrorCode = defineErrorCodes('LEDGER', {
  BAD_OPTION: 'LEDGER_BAD_OPTION',
  /** The RPC port or the websocket port (RPC port + 1) is held by another process. */
  PORT_IN_USE: 'LEDGER_PORT_IN_USE',
  PROGRAM_DEPLOY_FAILED: 'LEDGER_PROGRAM_DEPLOY_FAILED',
  PROGRAM_UNREADABLE: 'LEDGER_PROGRAM_UNREADABLE',
  /** No keypair file at the path (loadOrCreate then writes one). */
  KEYPAIR_NOT_FOUND: 'LEDGER_KEYPAIR_NOT_FOUND',
  KEYPAIR_UNREADABLE: 'LEDGER_KEYPAIR_UNREADABLE',
  /** Not the Solana CLI format (64 integers 0..255), or the public half does not match the seed. */
  KEYPAIR_MALFORMED: 'LEDGER_KEYPAIR_MALFORMED',
  KEYPAIR_UNWRITABLE: 'LEDGER_KEYPAIR_UNWRITABLE',
  // JSON-RPC failures, each also carrying its numeric JSON-RPC code (rpc-error.ts).
  RPC_PARSE_ERROR: 'LEDGER_RPC_PARSE_ERROR',
  RPC_INVALID_REQUEST: 'LEDGER_RPC_INVALID_REQUEST',
  RPC_METHOD_NOT_FOUND: 'LEDGER_RPC_METHOD_NOT_FOUND',
  RPC_INVALID_PARAMS: 'LEDGER_RPC_INVALID_PARAMS',
  RPC_INTERNAL_ERROR: 'LEDGER_RPC_INTERNAL_ERROR',
  /** A subscription past the per-connection or total cap (constants.ts). */
  RPC_SUBSCRIPTION_LIMIT: 'LEDGER_RPC_SUBSCRIPTION_LIMIT',
  RPC_ERROR: 'LEDGER_RPC_ERROR',
  TX_PREFLIGHT_FAILURE: 'LEDGER_TX_PREFLIGHT_FAILURE',
  TX_SIGNATURE_FAILURE: 'LEDGER_TX_SIGNATURE_FAILURE',
  TX_HISTORY_NOT_AVAILABLE: 'LEDGER_TX_HISTORY_NOT_AVAILABLE',
  TX_UNSUPPORTED_VERSION: 'LEDGER_TX_UNSUPPORTED_VERSION',
  MIN_CONTEXT_SLOT_NOT_REACHED: 'LEDGER_MIN_CONTEXT_SLOT_NOT_REACHED',
  /** A block older than the oldest the ledger keeps (MAX_BLOCKS_KEPT, or its transactions dropped). */
  BLOCK_CLEANED_UP: 'LEDGER_BLOCK_CLEANED_UP',
  /** A slot that has not ended yet. */
  BLOCK_NOT_AVAILABLE: 'LEDGER_BLOCK_NOT_AVAILABLE',
  /** A slot the ledger jumped over (a warp during setup): no block. */
  SLOT_SKIPPED: 'LEDGER_SLOT_SKIPPED',
});
export type LedgerErrorCode = CodeOf<typeof LedgerErrorCode>;

export class LedgerError extends ProgramsCodedError<LedgerErrorCode> {}
