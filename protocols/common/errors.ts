// Codes of the stream plumbing every protocol shares (protocols/common).
import { CodedError, type CodeOf, defineErrorCodes } from '../../storage/errors/index.js';

export const StreamErrorCode = defineErrorCodes('STREAM', {
  /** The remote reset the stream, or it was aborted locally, while a read still wanted bytes. */
  RESET: 'STREAM_RESET',
});

export type StreamErrorCode = CodeOf<typeof StreamErrorCode>;

/** The stream was reset (by the remote) or aborted (locally) while a read still wanted bytes. */
export class StreamResetError extends CodedError<StreamErrorCode> {
  constructor(status: string) {
    super(StreamErrorCode.RESET, `the stream was ${status === 'reset' ? 'reset by the remote' : 'aborted'}`, {
      status,
    });
  }
}
