// Sender side of the tensor direct data channel: a plain TCP server that hands out payloads the
// sender offered in a header on the libp2p stream. A receiver dials in, presents the magic and the
// offer's one-time token, and gets the payload encrypted with the offer's own AES-128-CTR key.
// Anything else (a stray client, a wrong or spent token, a silent socket) is dropped.
import { createCipheriv, randomBytes } from 'node:crypto';
import type net from 'node:net';
import { listeningPort, listenTcp } from '../common/listen-tcp.js';
import {
  DIRECT_CIPHER,
  DIRECT_CONNECT_TIMEOUT_MS,
  DIRECT_IV_BYTES,
  DIRECT_KEY_BYTES,
  DIRECT_MAGIC,
  DIRECT_TOKEN_BYTES,
  MAX_DIRECT_CONNECTIONS,
  SEND_CHUNK_BYTES,
} from './constants.js';
import type { DirectRoute } from './header.js';

/** Encrypted bytes queued on a socket before the writer waits for it to drain. */
const WRITE_AHEAD_BYTES = 4 * SEND_CHUNK_BYTES;
/** Bytes a receiver sends before the payload flows: the magic, then the token. */
const PREAMBLE_BYTES = DIRECT_MAGIC.byteLength + DIRECT_TOKEN_BYTES;

export interface DirectTensorServerInit {
  host: string;
  /** 0 picks any free port. */
  port: number;
  /** A socket whose receiver takes no bytes for this long is closed (a stalled reader). */
  idleTimeoutMs: number;
  /** A socket this server dropped, and why (for logs and tests). */
  onRefused?: (reason: string) => void;
}

export class DirectTensorServer {
  /** Offers not yet fetched, by token (hex). A token is honoured once. */
  private readonly offers = new Map<string, { data: Uint8Array; key: Uint8Array; iv: Uint8Array }>();
  /** Open sockets, destroyed on close() so a stalled receiver cannot hold the server open. */
  private readonly sockets = new Set<net.Socket>();

  private constructor(
    private readonly server: net.Server,
    private readonly init: DirectTensorServerInit,
  ) {}

  static async listen(init: DirectTensorServerInit): Promise<DirectTensorServer> {
    let direct: DirectTensorServer | undefined;
    const server = await listenTcp(init.host, init.port, {
      maxConnections: MAX_DIRECT_CONNECTIONS,
      onSocket: (socket) => (direct === undefined ? socket.destroy() : direct.serve(socket)),
    });
    direct = new DirectTensorServer(server, init);
    return direct;
  }

  get port(): number {
    return listeningPort(this.server);
  }

  /** Offers `data` to whoever presents the returned route's token; withdraw() it once answered. */
  offer(data: Uint8Array): DirectRoute {
    const route: DirectRoute = {
      port: this.port,
      token: randomBytes(DIRECT_TOKEN_BYTES),
      key: randomBytes(DIRECT_KEY_BYTES),
      iv: randomBytes(DIRECT_IV_BYTES),
    };
    this.offers.set(Buffer.from(route.token).toString('hex'), { data, key: route.key, iv: route.iv });
    return route;
  }

  withdraw(route: DirectRoute): void {
    this.offers.delete(Buffer.from(route.token).toString('hex'));
  }

  get pendingOffers(): number {
    return this.offers.size;
  }

  async close(): Promise<void> {
    this.offers.clear();
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    await closed;
  }

  private serve(socket: net.Socket): void {
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
    // Also after the token: a receiver that stops reading must not hold the payload forever.
    socket.setTimeout(this.init.idleTimeoutMs, () => socket.destroy());
    socket.on('error', () => {}); // a receiver that goes away mid-payload is its own problem
    const refuse = (reason: string) => {
      this.init.onRefused?.(reason);
      socket.destroy();
    };
    const timer = setTimeout(() => refuse('no token in time'), DIRECT_CONNECT_TIMEOUT_MS);
    const parts: Buffer[] = [];
    let got = 0;
    const onData = (chunk: Buffer) => {
      parts.push(chunk);
      got += chunk.byteLength;
      if (got < PREAMBLE_BYTES) return;
      socket.off('data', onData);
      socket.pause();
      clearTimeout(timer);
      const preamble = Buffer.concat(parts);
      if (got > PREAMBLE_BYTES) return refuse('bytes after the token');
      if (!preamble.subarray(0, DIRECT_MAGIC.byteLength).equals(DIRECT_MAGIC)) return refuse('bad magic');
      const key = preamble.subarray(DIRECT_MAGIC.byteLength).toString('hex');
      const offer = this.offers.get(key);
      if (offer === undefined) return refuse('unknown or spent token');
      this.offers.delete(key);
      void this.write(socket, offer);
    };
    socket.on('data', onData);
  }

  /** Streams the offer's payload encrypted, in slices, with backpressure; then ends the socket. */
  private async write(socket: net.Socket, offer: { data: Uint8Array; key: Uint8Array; iv: Uint8Array }) {
    const cipher = createCipheriv(DIRECT_CIPHER, offer.key, offer.iv);
    try {
      for (let at = 0; at < offer.data.byteLength && !socket.destroyed; at += SEND_CHUNK_BYTES) {
        socket.write(cipher.update(offer.data.subarray(at, at + SEND_CHUNK_BYTES)));
        // Encrypt ahead: slices queued past the kernel's buffer keep it fed while this waits.
        if (socket.writableLength >= WRITE_AHEAD_BYTES) await drainOrClose(socket);
      }
      socket.end();
    } catch {
      socket.destroy(); // the receiver closed first; it falls back or has what it needs
    }
  }
}

/** Resolves on the socket's next 'drain', or at once when it closes first. */
function drainOrClose(socket: net.Socket): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      socket.off('drain', done);
      socket.off('close', done);
      resolve();
    };
    socket.once('drain', done);
    socket.once('close', done);
  });
}
