// Reader over a libp2p v3 stream that hands out exact byte counts and gives up when the peer goes
// quiet for longer than the stall timeout. Each protocol supplies its own typed errors.
//
// It listens to the stream's 'message' events instead of its async iterator: a pending read copies
// arriving chunks straight into its destination inside the event handler, so a 64 MiB payload
// costs one promise, not one promise, race and timer per 16–64 KiB chunk (the iterator path spent
// more time in that machinery and its garbage than in decryption).
import type { Stream } from '@libp2p/interface';
import type { Uint8ArrayList } from 'uint8arraylist';
import { StreamError, StreamErrorCode, StreamResetError } from './errors.js';

export { StreamResetError };

/** The typed errors a protocol wants for each way a read can fail. */
export interface StreamReadErrors {
  stalled(timeoutMs: number): Error;
  truncated(got: number, wanted: number, what: string): Error;
  aborted(): Error;
}

/** The part of a stream the reader needs (a libp2p `Stream` has it). */
export type ReadableStream = Pick<
  Stream,
  'addEventListener' | 'removeEventListener' | 'readableEnded' | 'readStatus' | 'status'
> &
  Partial<Pick<Stream, 'pause' | 'resume'>>;

/** A read in progress: fills `into` and feeds each piece to `onPiece`. */
interface PendingRead {
  into: Uint8Array;
  filled: number;
  onPiece: ((piece: Uint8Array) => void) | undefined;
  resolve: (filled: number) => void;
  reject: (err: Error) => void;
}

/** Bytes a peer may send ahead of the reads asking for them before the stream is failed. */
export const MAX_UNREAD_BYTES = 64 * 1024 * 1024;

export class StreamReader {
  /** Received bytes no read has taken yet, oldest first (`head` indexes the first live one). */
  private queue: Uint8Array[] = [];
  private head = 0;
  private queuedBytes = 0;
  private ended: boolean;
  private failure: Error | undefined;
  private pending: PendingRead | undefined;
  private timer: NodeJS.Timeout | undefined;
  /** Fires once the whole-stream deadline passed (setDeadline), however the bytes trickle. */
  private deadlineTimer: NodeJS.Timeout | undefined;
  /** Set once the deadline passed: every read fails with it, queued bytes or not. */
  private expired: Error | undefined;
  /** Paused by us: transient bytes arrived with no read to take them (see onMessage). */
  private paused = false;

  constructor(
    private readonly stream: ReadableStream,
    private readonly stallTimeoutMs: number,
    private readonly errors: StreamReadErrors,
    private readonly signal?: AbortSignal,
  ) {
    this.ended = stream.readableEnded || (stream.readStatus !== 'readable' && stream.readStatus !== 'paused');
    if (stream.status === 'reset' || stream.status === 'aborted')
      this.failure = new StreamResetError(stream.status);
    stream.addEventListener('message', this.onMessage);
    stream.addEventListener('end', this.onEnd);
    stream.addEventListener('close', this.onClose);
    signal?.addEventListener('abort', this.onAbort);
  }

  /**
   * Exactly `n` bytes. Returns null when the stream ends cleanly before the first byte and
   * `allowEnd` is set; an end inside the `n` bytes is TRUNCATED. `timeoutMs` replaces the stall
   * timeout for this read (a verdict that follows a long transfer elsewhere).
   */
  async readExactly(
    n: number,
    what: string,
    allowEnd = false,
    timeoutMs = this.stallTimeoutMs,
  ): Promise<Uint8Array | null> {
    // Not zero-filled: every byte is overwritten before the caller sees it.
    const out = Buffer.allocUnsafeSlow(n);
    const filled = await this.read(out, undefined, timeoutMs);
    if (filled === n) return out;
    if (filled === 0 && allowEnd) return null;
    throw this.errors.truncated(filled, n, what);
  }

  /** Copies exactly `into.byteLength` bytes into `into`, feeding each piece to `onPiece` (hashing). */
  async readInto(into: Uint8Array, what: string, onPiece: (piece: Uint8Array) => void): Promise<void> {
    const filled = await this.read(into, onPiece, this.stallTimeoutMs);
    if (filled !== into.byteLength) throw this.errors.truncated(filled, into.byteLength, what);
  }

  /**
   * Fails the pending read and every later one with `error()` at `atMs` (Date.now() time), unlike
   * the stall timeout, which each arriving byte restarts. Calling again moves the deadline.
   */
  setDeadline(atMs: number, error: () => Error): void {
    clearTimeout(this.deadlineTimer);
    this.deadlineTimer = setTimeout(
      () => {
        this.expired = error();
        this.failure ??= this.expired;
        this.settle();
      },
      Math.max(0, atMs - Date.now()),
    );
  }

  /** Drops the deadline (the stream is done with, or its reads are over). */
  clearDeadline(): void {
    clearTimeout(this.deadlineTimer);
    this.deadlineTimer = undefined;
  }

  /**
   * Stops listening to the stream and the signal; later reads see what was queued, then the end.
   * Runs when the stream closes, so a finished stream leaves nothing behind on a long-lived signal.
   */
  private detach(): void {
    this.stream.removeEventListener('message', this.onMessage);
    this.stream.removeEventListener('end', this.onEnd);
    this.stream.removeEventListener('close', this.onClose);
    this.signal?.removeEventListener('abort', this.onAbort);
    this.clearDeadline();
    this.ended = true;
    this.settle();
  }

  /** Resolves with the bytes filled: all of them, or fewer when the stream ended first. */
  private read(into: Uint8Array, onPiece: PendingRead['onPiece'], timeoutMs: number): Promise<number> {
    if (this.pending !== undefined)
      throw new StreamError(StreamErrorCode.CONCURRENT_READ, 'StreamReader: one read at a time');
    if (this.signal?.aborted) return Promise.reject(this.errors.aborted());
    if (this.expired !== undefined) return Promise.reject(this.expired);
    let resolve!: (filled: number) => void;
    let reject!: (err: Error) => void;
    const promise = new Promise<number>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    this.pending = { into, filled: 0, onPiece, resolve, reject };
    this.fill();
    this.settle();
    if (this.pending !== undefined && this.paused) {
      this.paused = false;
      this.stream.resume?.();
    }
    if (this.pending !== undefined) {
      this.timer = setTimeout(() => this.onStall(timeoutMs), timeoutMs);
    }
    return promise;
  }

  /** Moves queued bytes into the pending read. */
  private fill(): void {
    const read = this.pending;
    if (read === undefined) return;
    while (read.filled < read.into.byteLength && this.head < this.queue.length) {
      const chunk = this.queue[this.head]!;
      const take = Math.min(chunk.byteLength, read.into.byteLength - read.filled);
      const piece = take === chunk.byteLength ? chunk : chunk.subarray(0, take);
      read.into.set(piece, read.filled);
      read.onPiece?.(piece);
      read.filled += take;
      this.queuedBytes -= take;
      if (take === chunk.byteLength) this.queue[this.head++] = EMPTY;
      else this.queue[this.head] = chunk.subarray(take);
    }
    if (this.head === this.queue.length) {
      this.queue = [];
      this.head = 0;
    }
  }

  /** Completes the pending read when it is full, the stream ended, or it failed. */
  private settle(): void {
    const read = this.pending;
    if (read === undefined) return;
    const queueEmpty = this.head === this.queue.length;
    if (read.filled < read.into.byteLength && !(queueEmpty && (this.ended || this.failure !== undefined))) {
      return;
    }
    this.pending = undefined;
    clearTimeout(this.timer);
    this.timer = undefined;
    if (read.filled < read.into.byteLength && this.failure !== undefined) read.reject(this.failure);
    else read.resolve(read.filled);
  }

  private readonly onMessage = (evt: { data: Uint8Array | Uint8ArrayList; transient?: boolean }): void => {
    const data = evt.data;
    const firstNew = this.queue.length;
    if (data instanceof Uint8Array) this.queue.push(data);
    else for (const part of data) this.queue.push(part);
    this.queuedBytes += data.byteLength;
    if (this.pending === undefined) {
      // Nobody asked for these bytes yet; a peer that keeps sending must not fill our memory.
      if (this.queuedBytes > MAX_UNREAD_BYTES) this.overflow();
    } else {
      this.timer?.refresh();
      this.fill();
      this.settle();
    }
    // A transient chunk's memory is reused once this handler returns: keep copies of what is left,
    // and with no read waiting, stop the stream until one does. Otherwise a consumer busy
    // elsewhere (a fetch writing blocks to disk) had most of its bytes copied and collected.
    if (evt.transient === true) {
      if (this.pending === undefined && this.head < this.queue.length && !this.paused) {
        this.paused = true;
        this.stream.pause?.();
      }
      // new Uint8Array(view) copies; a Buffer's slice() would only make another view.
      for (let i = Math.max(firstNew, this.head); i < this.queue.length; i++) {
        this.queue[i] = new Uint8Array(this.queue[i]!);
      }
    }
  };

  private readonly onEnd = (): void => {
    // 'end' also fires just before the 'close' of a reset: that is a failure, not a clean end.
    const status = this.stream.status;
    if (status === 'reset' || status === 'aborted') this.failure ??= new StreamResetError(status);
    this.ended = true;
    this.settle();
  };

  private readonly onClose = (evt: Event): void => {
    const error = (evt as Event & { error?: Error }).error;
    if (error !== undefined) this.failure ??= error;
    this.detach();
  };

  private overflow(): void {
    this.failure ??= new StreamError(
      StreamErrorCode.UNREAD_OVERFLOW,
      `the peer sent more than ${MAX_UNREAD_BYTES} bytes nobody read`,
    );
    this.queue = [];
    this.head = 0;
    this.queuedBytes = 0;
    this.detach();
  }

  private readonly onAbort = (): void => {
    this.failure = this.errors.aborted();
    this.settle();
  };

  private readonly onStall = (timeoutMs: number): void => {
    this.failure = this.errors.stalled(timeoutMs);
    this.settle();
  };
}

const EMPTY = new Uint8Array(0);
