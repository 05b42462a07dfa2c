// Typed errors of the tensor stream. `code` is stable: callers, tests and metrics match on it,
// and a receiver sends it back to the sender in its reply.
import { CodedError, type CodeOf, defineErrorCodes } from '../../storage/errors/index.js';

export const TensorStreamErrorCode = defineErrorCodes('TENSOR_STREAM', {
  /** Bytes that do not parse as a header (bad version, lengths, dtype, truncated fields). */
  MALFORMED_HEADER: 'TENSOR_STREAM_MALFORMED_HEADER',
  HEADER_TOO_LARGE: 'TENSOR_STREAM_HEADER_TOO_LARGE',
  /**
   * Nobody on this peer awaits tensors for this (execution, task): it was never assigned here, or
   * it already ran. Refused from the header, before any payload byte is read or reserved.
   */
  UNEXPECTED_TASK: 'TENSOR_STREAM_UNEXPECTED_TASK',
  /** The task's interface has no input with this name. */
  UNKNOWN_TENSOR: 'TENSOR_STREAM_UNKNOWN_TENSOR',
  DTYPE_MISMATCH: 'TENSOR_STREAM_DTYPE_MISMATCH',
  SHAPE_MISMATCH: 'TENSOR_STREAM_SHAPE_MISMATCH',
  /** The declared byte length is not dtype size × element count. */
  LENGTH_MISMATCH: 'TENSOR_STREAM_LENGTH_MISMATCH',
  TOO_LARGE: 'TENSOR_STREAM_TOO_LARGE',
  TOO_MANY_TENSORS: 'TENSOR_STREAM_TOO_MANY_TENSORS',
  DUPLICATE_TENSOR: 'TENSOR_STREAM_DUPLICATE_TENSOR',
  /** One stream must carry tensors of a single (execution, task). */
  MIXED_TARGETS: 'TENSOR_STREAM_MIXED_TARGETS',
  HASH_MISMATCH: 'TENSOR_STREAM_HASH_MISMATCH',
  /** The task awaits this tensor from another peer (the assignment names each input's sender). */
  UNAUTHORIZED_SENDER: 'TENSOR_STREAM_UNAUTHORIZED_SENDER',
  /**
   * The direct data channel failed (no connection, a refused token, a stall, a short or tampered
   * payload). Never sent to a sender: the receiver asks for the payload inline instead.
   */
  DIRECT_CHANNEL_FAILED: 'TENSOR_STREAM_DIRECT_CHANNEL_FAILED',
  /** The stream ended inside a header or payload. */
  TRUNCATED: 'TENSOR_STREAM_TRUNCATED',
  STALLED: 'TENSOR_STREAM_STALLED',
  INBOX_FULL: 'TENSOR_STREAM_INBOX_FULL',
  /** The sender already holds its whole per-sender share of the inbox (see MAX_INBOX_BYTES_PER_SENDER). */
  SENDER_OVER_BUDGET: 'TENSOR_STREAM_SENDER_OVER_BUDGET',
  /**
   * The stream did not deliver its declared bytes by its deadline (a grace period plus the bytes
   * at the minimum rate): a trickle that keeps the stall timer alive is still cut.
   */
  TRANSFER_TIMEOUT: 'TENSOR_STREAM_TRANSFER_TIMEOUT',
  /** The receiver answered with a rejection; `remoteCode` says why. */
  REMOTE_REJECTED: 'TENSOR_STREAM_REMOTE_REJECTED',
  /** The receiver closed without a readable verdict. */
  NO_REPLY: 'TENSOR_STREAM_NO_REPLY',
  /** A tensor handed to send() is inconsistent (bytes vs dtype and shape, bad ids). */
  INVALID_TENSOR: 'TENSOR_STREAM_INVALID_TENSOR',
  ABORTED: 'TENSOR_STREAM_ABORTED',
  STOPPED: 'TENSOR_STREAM_STOPPED',
});

export type TensorStreamErrorCode = CodeOf<typeof TensorStreamErrorCode>;

export class TensorStreamError extends CodedError<TensorStreamErrorCode> {
  /** Set on REMOTE_REJECTED: the code the receiver gave. */
  readonly remoteCode: string | undefined;

  constructor(
    code: TensorStreamErrorCode,
    message: string,
    options?: { cause?: unknown; remoteCode?: string },
  ) {
    super(code, message, undefined, options);
    this.remoteCode = options?.remoteCode;
  }
}

export function isTensorStreamError(err: unknown, code?: TensorStreamErrorCode): err is TensorStreamError {
  return err instanceof TensorStreamError && (code === undefined || err.code === code);
}

/** How the shared stream reader reports failures on the tensor stream. */
export const tensorReadErrors = {
  stalled: (ms: number) =>
    new TensorStreamError(TensorStreamErrorCode.STALLED, `tensor stream delivered nothing for ${ms} ms`),
  truncated: (got: number, wanted: number, what: string) =>
    new TensorStreamError(
      TensorStreamErrorCode.TRUNCATED,
      `tensor stream ended after ${got} of ${wanted} bytes of ${what}`,
    ),
  aborted: () => new TensorStreamError(TensorStreamErrorCode.ABORTED, 'tensor stream read aborted'),
};

/** The receive deadline of a stream passed (see STREAM_GRACE_MS, MIN_RECEIVE_BYTES_PER_S). */
export function transferTimeout(declaredBytes: number, ms: number): TensorStreamError {
  return new TensorStreamError(
    TensorStreamErrorCode.TRANSFER_TIMEOUT,
    `tensor stream did not deliver its ${declaredBytes} declared payload bytes within ${ms} ms`,
  );
}
