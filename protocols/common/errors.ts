// Codes of the stream plumbing every protocol shares (protocols/common).
import { CodedError, type CodeOf, defineErrorCodes } from '../../storage/errors/index.js';

export const StreamErrorCode = defineErrorCodes('STREAM', {
  /** The remote reset the stream, or it was aborted locally, while a read still wanted bytes. */
  RESET: 'STREAM_RESET',
  /** The remote sent more bytes than anybody read (a flood, or a protocol violation). */
  UNREAD_OVERFLOW: 'STREAM_UNREAD_OVERFLOW',
  /** A plain socket could not connect within its timeout. */
  CONNECT_TIMEOUT: 'STREAM_CONNECT_TIMEOUT',
  /** A write or close on a socket that is already gone. */
  CLOSED: 'STREAM_CLOSED',
  ABORTED: 'STREAM_ABORTED',
  /** A second read started while one was pending (a defect of the caller). */
  CONCURRENT_READ: 'STREAM_CONCURRENT_READ',
});

export type StreamErrorCode = CodeOf<typeof StreamErrorCode>;

/** A failure of the stream plumbing, coded. */
export class StreamError extends CodedError<StreamErrorCode> {}

/** The stream was reset (by the remote) or aborted (locally) while a read still wanted bytes. */
export class StreamResetError extends CodedError<StreamErrorCode> {
  constructor(status: string) {
    super(StreamErrorCode.RESET, `the stream was ${status === 'reset' ? 'reset by the remote' : 'aborted'}`, {
      status,
    });
  }
}

/** A reason to abort a stream with: the failure itself when it is an Error, else a coded one. */
export function abortReason(err: unknown): Error {
  return err instanceof Error ? err : new StreamError(StreamErrorCode.ABORTED, String(err));
}
