// Fetcher side of the direct data channel: asks a provider over libp2p for its direct port and a
// token, caches them, and opens a plain TCP socket to the address this peer reached it at. Any
// failure means "no direct channel to that peer for a while": the fetch uses libp2p streams.
import type { AbortOptions, PeerId, Stream } from '@libp2p/interface';
import { StreamError, StreamErrorCode } from '../common/errors.js';
import { type ByteStream, SocketStream } from '../common/socket-stream.js';
import { StreamReader } from '../common/stream-reader.js';
import {
  BLOCKS_DIRECT_PROTOCOL,
  DIRECT_MAGIC,
  DIRECT_QUERY,
  DIRECT_REPLY_BYTES,
  DIRECT_RETRY_AFTER_MS,
  DIRECT_TOKEN_TTL_MS,
} from './constants.js';
import { blocksReadErrors } from './errors.js';

export interface DirectDialerDeps {
  openStream(peer: PeerId, protocol: string, options?: AbortOptions): Promise<Stream>;
  /** The IP this peer is connected to `peer` at, if any. */
  remoteHost(peer: PeerId): string | undefined;
  openTimeoutMs: number;
}

type Known =
  | { host: string; port: number; preamble: Uint8Array; refreshAt: number }
  | { unavailableUntil: number };

export class DirectBlockDialer {
  private readonly known = new Map<string, Known>();
  private readonly asking = new Map<string, Promise<Known>>();

  constructor(private readonly deps: DirectDialerDeps) {}

  /** A direct socket to `peer`, ready for a request; undefined when there is no direct channel. */
  async open(peer: PeerId, signal: AbortSignal): Promise<ByteStream | undefined> {
    const known = await this.lookup(peer, signal);
    if ('unavailableUntil' in known) return undefined;
    try {
      const stream = await SocketStream.connect(known.host, known.port, signal, this.deps.openTimeoutMs);
      stream.send(known.preamble);
      return stream;
    } catch {
      signal.throwIfAborted();
      this.markUnavailable(peer);
      return undefined;
    }
  }

  /** Stops using the direct channel to `peer` for a while (it failed mid-request). */
  markUnavailable(peer: PeerId): void {
    this.known.set(peer.toString(), { unavailableUntil: Date.now() + DIRECT_RETRY_AFTER_MS });
  }

  private async lookup(peer: PeerId, signal: AbortSignal): Promise<Known> {
    const key = peer.toString();
    const cached = this.known.get(key);
    const now = Date.now();
    if (
      cached !== undefined &&
      ('unavailableUntil' in cached ? cached.unavailableUntil : cached.refreshAt) > now
    ) {
      return cached;
    }
    // Requests start together: one question per provider.
    let pending = this.asking.get(key);
    if (pending === undefined) {
      pending = this.ask(peer, signal).finally(() => this.asking.delete(key));
      this.asking.set(key, pending);
    }
    const known = await pending;
    this.known.set(key, known);
    return known;
  }

  private async ask(peer: PeerId, signal: AbortSignal): Promise<Known> {
    const unavailable = { unavailableUntil: Date.now() + DIRECT_RETRY_AFTER_MS };
    const host = this.deps.remoteHost(peer);
    if (host === undefined) return unavailable;
    let stream: Stream | undefined;
    try {
      const timeout = AbortSignal.any([signal, AbortSignal.timeout(this.deps.openTimeoutMs)]);
      stream = await this.deps.openStream(peer, BLOCKS_DIRECT_PROTOCOL, { signal: timeout });
      const reader = new StreamReader(stream, this.deps.openTimeoutMs, blocksReadErrors, signal);
      stream.send(DIRECT_QUERY);
      const reply = (await reader.readExactly(DIRECT_REPLY_BYTES, 'direct channel reply'))!;
      await stream.close({ signal: timeout });
      const port = (reply[0]! << 8) | reply[1]!;
      if (port === 0) return unavailable;
      const preamble = new Uint8Array(DIRECT_MAGIC.byteLength + reply.byteLength - 2);
      preamble.set(DIRECT_MAGIC);
      preamble.set(reply.subarray(2), DIRECT_MAGIC.byteLength);
      return { host, port, preamble, refreshAt: Date.now() + DIRECT_TOKEN_TTL_MS / 2 };
    } catch {
      stream?.abort(new StreamError(StreamErrorCode.ABORTED, 'direct channel query failed'));
      signal.throwIfAborted();
      // A peer without the protocol (or a slow one) is fetched from over libp2p.
      return unavailable;
    }
  }
}
