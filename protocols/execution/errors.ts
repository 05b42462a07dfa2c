// Typed errors of the execution control protocol; `code` is stable and travels in rejections.
import { CodedError, type CodeOf, defineErrorCodes } from '../../storage/errors/index.js';

export const ExecutionErrorCode = defineErrorCodes('EXECUTION', {
  /** Bytes that are not a well-formed control message (JSON, fields, sizes). */
  MALFORMED_MESSAGE: 'EXECUTION_MALFORMED_MESSAGE',
  MESSAGE_TOO_LARGE: 'EXECUTION_MESSAGE_TOO_LARGE',
  /** The peer has no handler for this message type (e.g. a client asked to run a task). */
  UNSUPPORTED: 'EXECUTION_UNSUPPORTED',
  /** The receiving peer refused the message; `remoteCode` says why. */
  REMOTE_REJECTED: 'EXECUTION_REMOTE_REJECTED',
  /** The peer closed the stream without a verdict. */
  NO_REPLY: 'EXECUTION_NO_REPLY',
  TIMEOUT: 'EXECUTION_TIMEOUT',
});

export type ExecutionErrorCode = CodeOf<typeof ExecutionErrorCode>;

export class ExecutionError extends CodedError<ExecutionErrorCode> {
  readonly remoteCode: string | undefined;

  constructor(code: ExecutionErrorCode, message: string, options?: { cause?: unknown; remoteCode?: string }) {
    super(code, message, undefined, options);
    this.remoteCode = options?.remoteCode;
  }
}

export function isExecutionError(err: unknown, code?: ExecutionErrorCode): err is ExecutionError {
  return err instanceof ExecutionError && (code === undefined || err.code === code);
}

/** A handler's refusal: its `code` is sent back to the requesting peer. */
export class ExecutionRejection extends CodedError {
  constructor(code: string, message: string) {
    super(code, message);
  }
}
