// Pull-based reader over a libp2p v3 stream (an async iterable of chunks) that hands out exact
// byte counts and gives up when the peer goes quiet for longer than the stall timeout.
// Each protocol supplies its own typed errors.
import type { Stream } from '@libp2p/interface';

type Chunk = Stream extends AsyncIterable<infer C> ? C : never;

/** The typed errors a protocol wants for each way a read can fail. */
export interface StreamReadErrors {
  stalled(timeoutMs: number): Error;
  truncated(got: number, wanted: number, what: string): Error;
  aborted(): Error;
}

export class StreamReader {
  private readonly iterator: AsyncIterator<Chunk>;
  private readonly pending: Uint8Array[] = [];
  private ended = false;

  constructor(
    source: AsyncIterable<Chunk>,
    private readonly stallTimeoutMs: number,
    private readonly errors: StreamReadErrors,
    private readonly signal?: AbortSignal,
  ) {
    this.iterator = source[Symbol.asyncIterator]();
  }

  /** Pulls the next chunk from the stream into `pending`; false at end of stream. */
  private async pull(): Promise<boolean> {
    if (this.ended) return false;
    this.signal?.throwIfAborted();
    let timer: NodeJS.Timeout | undefined;
    let onAbort: (() => void) | undefined;
    const interrupted = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(this.errors.stalled(this.stallTimeoutMs)), this.stallTimeoutMs);
      onAbort = () => reject(this.errors.aborted());
      this.signal?.addEventListener('abort', onAbort, { once: true });
    });
    try {
      const result = await Promise.race([this.iterator.next(), interrupted]);
      if (result.done === true) {
        this.ended = true;
        return false;
      }
      const chunk = result.value;
      if (chunk instanceof Uint8Array) this.pending.push(chunk);
      else for (const part of chunk) this.pending.push(part);
      return true;
    } finally {
      clearTimeout(timer);
      if (onAbort !== undefined) this.signal?.removeEventListener('abort', onAbort);
    }
  }

  /** Up to `max` bytes, without copying when a chunk is already that small; null at end of stream. */
  async readSome(max: number): Promise<Uint8Array | null> {
    while (this.pending.length === 0) {
      if (!(await this.pull())) return null;
    }
    const head = this.pending[0]!;
    if (head.byteLength <= max) {
      this.pending.shift();
      return head;
    }
    this.pending[0] = head.subarray(max);
    return head.subarray(0, max);
  }

  /**
   * Exactly `n` bytes. Returns null when the stream ends cleanly before the first byte and
   * `allowEnd` is set; an end inside the `n` bytes is TRUNCATED.
   */
  async readExactly(n: number, what: string, allowEnd = false): Promise<Uint8Array | null> {
    const out = new Uint8Array(n);
    let filled = 0;
    while (filled < n) {
      const piece = await this.readSome(n - filled);
      if (piece === null) {
        if (filled === 0 && allowEnd) return null;
        throw this.errors.truncated(filled, n, what);
      }
      out.set(piece, filled);
      filled += piece.byteLength;
    }
    return out;
  }

  /** Copies exactly `into.byteLength` bytes into `into`, feeding each piece to `onPiece` (hashing). */
  async readInto(into: Uint8Array, what: string, onPiece: (piece: Uint8Array) => void): Promise<void> {
    let filled = 0;
    while (filled < into.byteLength) {
      const piece = await this.readSome(into.byteLength - filled);
      if (piece === null) {
        throw this.errors.truncated(filled, into.byteLength, what);
      }
      into.set(piece, filled);
      onPiece(piece);
      filled += piece.byteLength;
    }
  }
}
