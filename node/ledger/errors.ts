// Codes of the local development ledger (`splitup ledger`).
import { type CodeOf, defineErrorCodes } from '../../storage/errors/index.js';

export const LedgerErrorCode = defineErrorCodes('LEDGER', {
  BAD_OPTION: 'LEDGER_BAD_OPTION',
  PROGRAM_DEPLOY_FAILED: 'LEDGER_PROGRAM_DEPLOY_FAILED',
  PROGRAM_UNREADABLE: 'LEDGER_PROGRAM_UNREADABLE',
});
export type LedgerErrorCode = CodeOf<typeof LedgerErrorCode>;
