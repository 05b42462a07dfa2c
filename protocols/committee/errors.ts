// Typed errors of committee discovery, with stable codes.
import { CodedError, type CodeOf, defineErrorCodes } from '../../storage/errors/index.js';

export const CommitteeErrorCode = defineErrorCodes('COMMITTEE', {
  BAD_NETWORK_NAME: 'COMMITTEE_BAD_NETWORK_NAME',
  ANNOUNCE_UNREACHED: 'COMMITTEE_ANNOUNCE_UNREACHED',
  NOT_RUNNING: 'COMMITTEE_NOT_RUNNING',
});

export type CommitteeErrorCode = CodeOf<typeof CommitteeErrorCode>;

export class CommitteeError extends CodedError<CommitteeErrorCode> {
  constructor(code: CommitteeErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, undefined, options);
  }
}

export function isCommitteeError(err: unknown, code?: CommitteeErrorCode): err is CommitteeError {
  return err instanceof CommitteeError && (code === undefined || err.code === code);
}
