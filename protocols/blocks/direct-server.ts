// Provider side of the direct data channel: a plain TCP server answering block requests, open
// only to peers that first asked over an authenticated libp2p stream (BLOCKS_DIRECT_PROTOCOL)
// and got a token naming them. The socket carries the very request/response of
// /splitup/blocks/1.0.0, after the magic and the token.
import { randomBytes } from 'node:crypto';
import type net from 'node:net';
import type { PeerId, Stream } from '@libp2p/interface';
import { abortReason } from '../common/errors.js';
import { listeningPort, listenTcp } from '../common/listen-tcp.js';
import { SocketStream } from '../common/socket-stream.js';
import { StreamReader } from '../common/stream-reader.js';
import {
  DIRECT_MAGIC,
  DIRECT_QUERY,
  DIRECT_REPLY_BYTES,
  DIRECT_TOKEN_BYTES,
  DIRECT_TOKEN_TTL_MS,
  MAX_DIRECT_CONNECTIONS,
} from './constants.js';
import { BlocksError, BlocksErrorCode, blocksReadErrors } from './errors.js';
import { type BlockSource, serveBlocks } from './server.js';

/** Tokens kept at most: a token per peer that asked within the TTL. */
const MAX_TOKENS = 4096;

export interface DirectServerInit {
  host: string;
  /** 0 picks any free port. */
  port: number;
  store: BlockSource;
  stallTimeoutMs: number;
  signal: AbortSignal;
  /** A request this server refused or failed; `peer` is undefined when no valid token came. */
  onError: (err: BlocksError, peer: PeerId | undefined) => void;
}

export class DirectBlockServer {
  private readonly tokens = new Map<string, { peer: PeerId; expires: number }>();

  private constructor(
    private readonly server: net.Server,
    private readonly init: DirectServerInit,
  ) {}

  static async listen(init: DirectServerInit): Promise<DirectBlockServer> {
    let direct: DirectBlockServer | undefined;
    const server = await listenTcp(init.host, init.port, {
      allowHalfOpen: true,
      maxConnections: MAX_DIRECT_CONNECTIONS,
      onSocket: (socket) => (direct === undefined ? socket.destroy() : direct.serve(socket)),
    });
    direct = new DirectBlockServer(server, init);
    return direct;
  }

  get port(): number {
    return listeningPort(this.server);
  }

  /** A fresh token that lets `peer` use this server for DIRECT_TOKEN_TTL_MS. */
  issueToken(peer: PeerId): Uint8Array {
    const now = Date.now();
    for (const [key, entry] of this.tokens) {
      if (entry.expires <= now || this.tokens.size >= MAX_TOKENS) this.tokens.delete(key);
      else break; // insertion order is expiry order
    }
    const token = randomBytes(DIRECT_TOKEN_BYTES);
    this.tokens.set(token.toString('hex'), { peer, expires: now + DIRECT_TOKEN_TTL_MS });
    return token;
  }

  /** Answers a peer's query (BLOCKS_DIRECT_PROTOCOL) with this server's port and a token for it. */
  async answerQuery(stream: Stream, peer: PeerId): Promise<void> {
    const { stallTimeoutMs, signal } = this.init;
    try {
      const reader = new StreamReader(stream, stallTimeoutMs, blocksReadErrors, signal);
      const query = (await reader.readExactly(DIRECT_QUERY.byteLength, 'direct channel query'))!;
      if (query[0] !== DIRECT_QUERY[0]) {
        throw new BlocksError(BlocksErrorCode.MALFORMED_REQUEST, `unknown direct query version ${query[0]}`);
      }
      const reply = new Uint8Array(DIRECT_REPLY_BYTES);
      new DataView(reply.buffer).setUint16(0, this.port);
      reply.set(this.issueToken(peer), 2);
      stream.send(reply);
      await stream.close({ signal: AbortSignal.timeout(stallTimeoutMs) });
    } catch (err) {
      stream.abort(abortReason(err));
    }
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private serve(socket: net.Socket): void {
    let peer: PeerId | undefined;
    const admit = async (reader: StreamReader) => {
      const preamble = (await reader.readExactly(DIRECT_MAGIC.byteLength + DIRECT_TOKEN_BYTES, 'preamble'))!;
      if (!Buffer.from(DIRECT_MAGIC).equals(preamble.subarray(0, DIRECT_MAGIC.byteLength))) {
        throw new BlocksError(BlocksErrorCode.MALFORMED_REQUEST, 'not a direct block request (bad magic)');
      }
      const key = Buffer.from(preamble.subarray(DIRECT_MAGIC.byteLength)).toString('hex');
      const entry = this.tokens.get(key);
      if (entry === undefined || entry.expires <= Date.now()) {
        throw new BlocksError(
          BlocksErrorCode.UNAUTHORIZED,
          'direct block request with an unknown or expired token',
        );
      }
      peer = entry.peer;
    };
    const { store, stallTimeoutMs, signal } = this.init;
    void serveBlocks(new SocketStream(socket), store, stallTimeoutMs, signal, admit).then((err) => {
      if (err !== undefined) this.init.onError(err, peer);
    });
  }
}
