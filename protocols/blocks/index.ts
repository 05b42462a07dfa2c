// Block fetch `/splitup/blocks/1.0.0`: a faster path than bitswap for task weights. Same CIDs and
// UnixFS DAGs as IPFS (blocks are verified against their CIDs), but one request names many CIDs
// and the provider streams the raw blocks back, several requests in flight across providers.
// A libp2p service: `services: { blocks: blocks({ store }) }`.
import { setMaxListeners } from 'node:events';
import type {
  AbortOptions,
  PeerId,
  PeerInfo,
  Startable,
  Stream,
  StreamHandler,
  StreamHandlerOptions,
} from '@libp2p/interface';
import type { Multiaddr } from '@multiformats/multiaddr';
import type { CID } from 'multiformats/cid';
import type { WeightStore } from '../../storage/weights/index.js';
import { remoteHost } from '../common/remote-host.js';
import { SocketStream } from '../common/socket-stream.js';
import {
  BLOCKS_DIRECT_PROTOCOL,
  BLOCKS_PROTOCOL,
  DEFAULT_BATCH_SIZE,
  DEFAULT_CONCURRENT_REQUESTS,
  DEFAULT_FIND_PROVIDERS_TIMEOUT_MS,
  DEFAULT_OPEN_TIMEOUT_MS,
  DEFAULT_STALL_TIMEOUT_MS,
  DEFAULT_STORES_IN_FLIGHT,
  MAX_INBOUND_STREAMS,
  MAX_OUTBOUND_STREAMS,
  MAX_PROVIDERS,
} from './constants.js';
import { DirectBlockDialer } from './direct-dialer.js';
import { DirectBlockServer } from './direct-server.js';
import { BlocksError, BlocksErrorCode } from './errors.js';
import { type FetchProgress, fetchDag } from './fetch-dag.js';
import { serveBlocks } from './server.js';

export { BLOCKS_DIRECT_PROTOCOL, BLOCKS_PROTOCOL } from './constants.js';
export { BlocksError, BlocksErrorCode } from './errors.js';
export type { FetchProgress } from './fetch-dag.js';

export interface BlocksInit {
  store: Pick<WeightStore, 'hasBlock' | 'getBlock' | 'putVerifiedBlock' | 'pinWhileFetching'>;
  concurrency?: number;
  batchSize?: number;
  storesInFlight?: number;
  stallTimeoutMs?: number;
  openTimeoutMs?: number;
  findProvidersTimeoutMs?: number;
  /**
   * Serve blocks on a direct data channel too: a plain TCP socket at this host and port (0: any),
   * open to peers that asked over libp2p first. Off when omitted.
   */
  direct?: { host: string; port?: number };
  /** Fetch over providers' direct channels where they offer one (default true). */
  useDirect?: boolean;
  /**
   * Called for every request this peer failed to serve, every provider a fetch dropped, and every
   * direct-channel request that failed (retried over libp2p). `peer` is undefined for a direct
   * socket that presented no valid token.
   */
  onError?: (err: BlocksError, peer: PeerId | undefined) => void;
}

/** A fetch's outcome: what was stored, and how many requests went over each path. */
export interface FetchResult extends FetchProgress {
  directRequests: number;
  libp2pRequests: number;
}

/** Narrow views of the libp2p components the service uses. */
export interface BlocksComponents {
  peerId: PeerId;
  registrar: {
    handle(protocol: string, handler: StreamHandler, options?: StreamHandlerOptions): Promise<void>;
    unhandle(protocol: string, options?: AbortOptions): Promise<void>;
  };
  connectionManager: {
    openStream(peer: PeerId, protocol: string, options?: AbortOptions): Promise<Stream>;
    getConnections(peer?: PeerId): Array<{ remoteAddr: Multiaddr }>;
  };
  /** The DHT (or any content router), to find providers and announce what this peer holds. */
  contentRouting?: {
    findProviders(cid: CID, options?: AbortOptions): AsyncIterable<PeerInfo>;
    provide(cid: CID, options?: AbortOptions): Promise<void>;
  };
}

export interface FetchOptions extends AbortOptions {
  /** Peers to fetch from; found over the DHT when omitted. */
  providers?: PeerId[];
  onProgress?: (progress: FetchProgress) => void;
}

export interface Blocks {
  /** Fetches, verifies, stores and pins the DAG under `root`. */
  fetch(root: CID, options?: FetchOptions): Promise<FetchResult>;
  /** Announces over the DHT that this peer provides `root`. */
  provide(root: CID, options?: AbortOptions): Promise<void>;
  /** The port of this peer's direct data channel, when it serves one. */
  readonly directPort: number | undefined;
}

class BlocksService implements Blocks, Startable {
  private shutdown = new AbortController();
  private directServer: DirectBlockServer | undefined;
  private readonly dialer: DirectBlockDialer;

  constructor(
    private readonly components: BlocksComponents,
    private readonly init: BlocksInit,
  ) {
    this.dialer = new DirectBlockDialer({
      openStream: (peer, protocol, options) =>
        components.connectionManager.openStream(peer, protocol, options),
      remoteHost: (peer) => remoteHost(components.connectionManager.getConnections(peer)),
      openTimeoutMs: init.openTimeoutMs ?? DEFAULT_OPEN_TIMEOUT_MS,
    });
  }

  /** The direct data channel's port, when this peer serves one. */
  get directPort(): number | undefined {
    return this.directServer?.port;
  }

  readonly [Symbol.toStringTag] = '@splitup/blocks';

  private get stallTimeoutMs(): number {
    return this.init.stallTimeoutMs ?? DEFAULT_STALL_TIMEOUT_MS;
  }

  async start(): Promise<void> {
    this.shutdown = new AbortController();
    setMaxListeners(Number.POSITIVE_INFINITY, this.shutdown.signal);
    await this.components.registrar.handle(
      BLOCKS_PROTOCOL,
      (stream, connection) => {
        void serveBlocks(stream, this.init.store, this.stallTimeoutMs, this.shutdown.signal).then((err) => {
          if (err !== undefined) this.init.onError?.(err, connection.remotePeer);
        });
      },
      { maxInboundStreams: MAX_INBOUND_STREAMS, maxOutboundStreams: MAX_OUTBOUND_STREAMS },
    );
    if (this.init.direct !== undefined) await this.startDirect(this.init.direct);
  }

  private async startDirect(listen: { host: string; port?: number }): Promise<void> {
    const server = await DirectBlockServer.listen({
      host: listen.host,
      port: listen.port ?? 0,
      store: this.init.store,
      stallTimeoutMs: this.stallTimeoutMs,
      signal: this.shutdown.signal,
      onError: (err, peer) => this.init.onError?.(err, peer),
    });
    this.directServer = server;
    // Peers ask over the authenticated libp2p stream for the port and a token naming them.
    await this.components.registrar.handle(BLOCKS_DIRECT_PROTOCOL, (stream, connection) => {
      void server.answerQuery(stream, connection.remotePeer);
    });
  }

  async stop(): Promise<void> {
    this.shutdown.abort();
    await this.components.registrar.unhandle(BLOCKS_PROTOCOL);
    if (this.directServer !== undefined) {
      await this.components.registrar.unhandle(BLOCKS_DIRECT_PROTOCOL);
      await this.directServer.close();
      this.directServer = undefined;
    }
  }

  private async findProviders(root: CID, signal?: AbortSignal): Promise<PeerId[]> {
    const routing = this.components.contentRouting;
    if (routing === undefined) {
      throw new BlocksError(BlocksErrorCode.NO_PROVIDERS, `no providers given for ${root} and no DHT to ask`);
    }
    const timeout = AbortSignal.timeout(
      this.init.findProvidersTimeoutMs ?? DEFAULT_FIND_PROVIDERS_TIMEOUT_MS,
    );
    const found: PeerId[] = [];
    try {
      for await (const info of routing.findProviders(root, {
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      })) {
        if (info.id.equals(this.components.peerId) || found.some((p) => p.equals(info.id))) continue;
        found.push(info.id);
        if (found.length >= MAX_PROVIDERS) break;
      }
    } catch (err) {
      if (found.length === 0 && !timeout.aborted) throw err;
    }
    if (found.length === 0)
      throw new BlocksError(BlocksErrorCode.NO_PROVIDERS, `the DHT knows no provider of ${root}`);
    return found;
  }

  async fetch(root: CID, options: FetchOptions = {}): Promise<FetchResult> {
    const providers = options.providers ?? (await this.findProviders(root, options.signal));
    const openTimeoutMs = this.init.openTimeoutMs ?? DEFAULT_OPEN_TIMEOUT_MS;
    const useDirect = this.init.useDirect ?? true;
    const requests = { directRequests: 0, libp2pRequests: 0 };
    const progress = await fetchDag(
      root,
      providers,
      {
        store: this.init.store,
        openStream: async (peer, signal) => {
          const direct = useDirect ? await this.dialer.open(peer, signal) : undefined;
          if (direct !== undefined) {
            requests.directRequests++;
            return direct;
          }
          requests.libp2pRequests++;
          return this.components.connectionManager.openStream(peer, BLOCKS_PROTOCOL, {
            signal: AbortSignal.any([signal, AbortSignal.timeout(openTimeoutMs)]),
          });
        },
        // Whatever went wrong on a direct socket, the provider gets its chance over libp2p.
        transportFailed: (peer, stream, err) => {
          if (!(stream instanceof SocketStream)) return false;
          this.dialer.markUnavailable(peer);
          this.init.onError?.(asBlocksError(err), peer);
          return true;
        },
      },
      {
        concurrency: this.init.concurrency ?? DEFAULT_CONCURRENT_REQUESTS,
        batchSize: this.init.batchSize ?? DEFAULT_BATCH_SIZE,
        storesInFlight: this.init.storesInFlight ?? DEFAULT_STORES_IN_FLIGHT,
        stallTimeoutMs: this.stallTimeoutMs,
        signal: options.signal ?? this.shutdown.signal,
        ...(options.onProgress ? { onProgress: options.onProgress } : {}),
        onProviderDropped: (peer, err) => this.init.onError?.(err, peer),
      },
    );
    return { ...progress, ...requests };
  }

  async provide(root: CID, options: AbortOptions = {}): Promise<void> {
    if (this.components.contentRouting === undefined) {
      throw new BlocksError(BlocksErrorCode.NO_PROVIDERS, 'no DHT to announce to');
    }
    await this.components.contentRouting.provide(root, options);
  }
}

function asBlocksError(err: unknown): BlocksError {
  if (err instanceof BlocksError) return err;
  return new BlocksError(BlocksErrorCode.TRUNCATED, `direct block request failed: ${String(err)}`, {
    cause: err,
  });
}

export function blocks(init: BlocksInit): (components: BlocksComponents) => Blocks {
  return (components) => new BlocksService(components, init);
}
export { fetchTaskFiles, type TaskFileProgress, type TaskFileRef } from './fetch-task-files.js';
