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
import type { CID } from 'multiformats/cid';
import type { WeightStore } from '../../storage/weights/index.js';
import {
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
import { BlocksError, BlocksErrorCode } from './errors.js';
import { type FetchProgress, fetchDag } from './fetch-dag.js';
import { serveBlocks } from './server.js';

export { BLOCKS_PROTOCOL } from './constants.js';
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
  /** Called for every request this peer failed to serve, and every provider a fetch dropped. */
  onError?: (err: BlocksError, peer: PeerId) => void;
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
  fetch(root: CID, options?: FetchOptions): Promise<FetchProgress>;
  /** Announces over the DHT that this peer provides `root`. */
  provide(root: CID, options?: AbortOptions): Promise<void>;
}

class BlocksService implements Blocks, Startable {
  private shutdown = new AbortController();

  constructor(
    private readonly components: BlocksComponents,
    private readonly init: BlocksInit,
  ) {}

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
  }

  async stop(): Promise<void> {
    this.shutdown.abort();
    await this.components.registrar.unhandle(BLOCKS_PROTOCOL);
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

  async fetch(root: CID, options: FetchOptions = {}): Promise<FetchProgress> {
    const providers = options.providers ?? (await this.findProviders(root, options.signal));
    const openTimeoutMs = this.init.openTimeoutMs ?? DEFAULT_OPEN_TIMEOUT_MS;
    return fetchDag(
      root,
      providers,
      {
        store: this.init.store,
        openStream: (peer, signal) =>
          this.components.connectionManager.openStream(peer, BLOCKS_PROTOCOL, {
            signal: AbortSignal.any([signal, AbortSignal.timeout(openTimeoutMs)]),
          }),
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
  }

  async provide(root: CID, options: AbortOptions = {}): Promise<void> {
    if (this.components.contentRouting === undefined) {
      throw new BlocksError(BlocksErrorCode.NO_PROVIDERS, 'no DHT to announce to');
    }
    await this.components.contentRouting.provide(root, options);
  }
}

export function blocks(init: BlocksInit): (components: BlocksComponents) => Blocks {
  return (components) => new BlocksService(components, init);
}
export { fetchTaskFiles, type TaskFileProgress, type TaskFileRef } from './fetch-task-files.js';
