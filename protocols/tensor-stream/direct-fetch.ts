// Receiver side of the tensor direct data channel: dials the sender at the IP its libp2p
// connection comes from, presents the header's one-time token, and decrypts the payload straight
// into the tensor buffer while hashing it. The socket reads into one reused buffer (no allocation
// per chunk). Any failure rejects with DIRECT_CHANNEL_FAILED; the caller then asks the sender for
// the payload inline, so a broken or tampered channel costs time, never a tensor.
import { createDecipheriv, type Hash } from 'node:crypto';
import net from 'node:net';
import {
  DIRECT_CIPHER,
  DIRECT_CONNECT_TIMEOUT_MS,
  DIRECT_MAGIC,
  DIRECT_READ_BUFFER_BYTES,
} from './constants.js';
import { TensorStreamError, TensorStreamErrorCode } from './errors.js';
import type { DirectRoute } from './header.js';

export interface DirectFetch {
  host: string;
  route: DirectRoute;
  /** Receives exactly its byteLength of plaintext. */
  into: Uint8Array;
  /** Fed every plaintext piece in order. */
  hash: Hash;
  stallTimeoutMs: number;
  signal: AbortSignal;
}

/** Why a direct fetch failed; `connected` tells an unreachable sender from a broken transfer. */
export class DirectChannelError extends TensorStreamError {
  constructor(
    message: string,
    readonly connected: boolean,
    cause?: unknown,
  ) {
    super(
      TensorStreamErrorCode.DIRECT_CHANNEL_FAILED,
      `direct channel: ${message}`,
      cause === undefined ? undefined : { cause },
    );
  }
}

/** Fills `into` from the sender's direct channel; resolves once every byte arrived. */
export function fetchDirectPayload(fetch: DirectFetch): Promise<void> {
  const { host, route, into, hash, stallTimeoutMs, signal } = fetch;
  const total = into.byteLength;
  const decipher = createDecipheriv(DIRECT_CIPHER, route.key, route.iv);
  let filled = 0;
  let connected = false;
  const failed = (message: string, cause?: unknown) => new DirectChannelError(message, connected, cause);
  return new Promise<void>((resolve, reject) => {
    let settled = false;
    const finish = (err?: TensorStreamError) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      socket.destroy();
      if (err === undefined) resolve();
      else reject(err);
    };
    const onAbort = () => finish(failed('aborted'));
    const socket = net.connect({
      host,
      port: route.port,
      noDelay: true,
      onread: {
        buffer: Buffer.allocUnsafe(Math.min(DIRECT_READ_BUFFER_BYTES, Math.max(total, 1))),
        callback: (bytes: number, buffer: Uint8Array) => {
          if (settled) return false;
          if (filled + bytes > total) {
            finish(failed(`the sender sent more than the header's ${total} bytes`));
            return false;
          }
          // CTR decrypts byte for byte: `bytes` of ciphertext are `bytes` of plaintext.
          const plain = decipher.update(buffer.subarray(0, bytes));
          into.set(plain, filled);
          hash.update(plain);
          filled += bytes;
          timer.refresh();
          if (filled === total) finish();
          return true;
        },
      },
    });
    // Until connected the limit is the connect timeout; then the stall timeout between reads.
    let timer = setTimeout(() => finish(failed('no connection in time')), DIRECT_CONNECT_TIMEOUT_MS);
    socket.once('connect', () => {
      connected = true;
      const preamble = new Uint8Array(DIRECT_MAGIC.byteLength + route.token.byteLength);
      preamble.set(DIRECT_MAGIC);
      preamble.set(route.token, DIRECT_MAGIC.byteLength);
      socket.write(preamble);
      clearTimeout(timer);
      timer = setTimeout(() => finish(failed(`stalled after ${filled} of ${total} bytes`)), stallTimeoutMs);
    });
    socket.on('error', (err) => finish(failed(`${host}:${route.port}: ${err.message}`, err)));
    socket.on('close', () => finish(failed(`the sender closed after ${filled} of ${total} bytes`)));
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** Senders whose direct channel failed to connect recently: their payloads come inline. */
export class DirectSenders {
  private readonly unavailableUntil = new Map<string, number>();

  usable(sender: string): boolean {
    const until = this.unavailableUntil.get(sender);
    if (until === undefined) return true;
    if (until > Date.now()) return false;
    this.unavailableUntil.delete(sender);
    return true;
  }

  markUnavailable(sender: string, forMs: number): void {
    this.unavailableUntil.delete(sender); // re-insert: the map stays in expiry order
    this.unavailableUntil.set(sender, Date.now() + forMs);
    for (const [key, until] of this.unavailableUntil) {
      if (until > Date.now()) break;
      this.unavailableUntil.delete(key);
    }
  }
}
