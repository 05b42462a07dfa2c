// Typed errors of committee discovery, with stable codes.
export type CommitteeErrorCode =
  | 'COMMITTEE_BAD_NETWORK_NAME'
  | 'COMMITTEE_ANNOUNCE_UNREACHED'
  | 'COMMITTEE_NOT_RUNNING';

export class CommitteeError extends Error {
  readonly code: CommitteeErrorCode;

  constructor(code: CommitteeErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CommitteeError';
    this.code = code;
  }
}

export function isCommitteeError(err: unknown, code?: CommitteeErrorCode): err is CommitteeError {
  return err instanceof CommitteeError && (code === undefined || err.code === code);
}
