// Payload buffers handed back by consumers, reused for the next payload of the same size.
//
// Why: a fresh 64 MiB ArrayBuffer per received tensor costs page faults on first write and the
// major GCs V8 runs for external memory; in bench/tensor-stream.ts that was about half of the
// receive time. Inference repeats the same shapes, so the same sizes come back; a weight fetch
// reads a thousand leaves of the same 1 MiB.
//
// Only buffers nobody else can reach may be given back: the engine returns the input buffers it
// was handed (transferred to its thread and back), a fetch the leaves it has written to disk.

export interface BufferPoolLimits {
  /** Bytes held at most; the oldest buffers are dropped beyond it. */
  maxBytes: number;
  /** Smaller buffers are not worth keeping: malloc serves them cheaply. */
  minBufferBytes: number;
}

export class BufferPool {
  /** Free buffers, oldest first. */
  private free: ArrayBuffer[] = [];
  private heldBytes = 0;

  constructor(private readonly limits: BufferPoolLimits) {}

  get bytes(): number {
    return this.heldBytes;
  }

  /** A buffer of exactly `byteLength` bytes: a pooled one when there is one, else a fresh one. */
  take(byteLength: number): Uint8Array {
    for (let i = this.free.length - 1; i >= 0; i--) {
      const buffer = this.free[i]!;
      if (buffer.byteLength !== byteLength) continue;
      this.free.splice(i, 1);
      this.heldBytes -= byteLength;
      return new Uint8Array(buffer);
    }
    return new Uint8Array(byteLength);
  }

  /**
   * Keeps `buffer` for reuse. Accepts a whole ArrayBuffer, or a view covering one; refuses
   * (returns false) detached, shared, partial or small buffers. The caller must hold the only
   * reference: the bytes will be overwritten.
   */
  give(buffer: ArrayBuffer | Uint8Array): boolean {
    const whole = buffer instanceof Uint8Array ? wholeBuffer(buffer) : buffer;
    if (!(whole instanceof ArrayBuffer) || whole.byteLength < this.limits.minBufferBytes) return false;
    if (whole.byteLength > this.limits.maxBytes || this.free.includes(whole)) return false;
    this.free.push(whole);
    this.heldBytes += whole.byteLength;
    while (this.heldBytes > this.limits.maxBytes) this.heldBytes -= this.free.shift()!.byteLength;
    return true;
  }

  clear(): void {
    this.free = [];
    this.heldBytes = 0;
  }
}

function wholeBuffer(view: Uint8Array): ArrayBufferLike | undefined {
  return view.byteOffset === 0 && view.byteLength === view.buffer.byteLength ? view.buffer : undefined;
}
