// Codes of the local development ledger (`splitup ledger`).
import { type CodeOf, defineErrorCodes } from '../../storage/errors/index.js';

export const LedgerErrorCode = defineErrorCodes('LEDGER', {
  BAD_OPTION: 'LEDGER_BAD_OPTION',
  /** The RPC port or the websocket port (RPC port + 1) is held by another process. */
  PORT_IN_USE: 'LEDGER_PORT_IN_USE',
  PROGRAM_DEPLOY_FAILED: 'LEDGER_PROGRAM_DEPLOY_FAILED',
  PROGRAM_UNREADABLE: 'LEDGER_PROGRAM_UNREADABLE',
});
export type LedgerErrorCode = CodeOf<typeof LedgerErrorCode>;
