// The tensor stream `/splitup/tensor/2.0.0`: intermediate tensors flow directly between the peers
// that run adjacent tasks. A libp2p service: add `tensorStream()` to a node's services, register
// the set a task needs with `awaitTensors()` (naming each input's sender), then peers `send()` it.
// Tensors for an (execution, task) nobody awaits are refused from their header.
// With `direct`, large payloads go over a plain TCP socket the receiver dials (AES-128-CTR under a
// key sent on the libp2p stream; see DIRECT_CIPHER in constants.ts), falling back to the stream.
import { setMaxListeners } from 'node:events';
import type {
  AbortOptions,
  PeerId,
  Startable,
  Stream,
  StreamHandler,
  StreamHandlerOptions,
} from '@libp2p/interface';
import { peerIdFromString } from '@libp2p/peer-id';
import type { Tensor, TensorSpec } from '../../storage/tensors/tensor.js';
import { BufferPool } from '../common/buffer-pool.js';
import { abortReason } from '../common/errors.js';
import { remoteHost } from '../common/remote-host.js';
import {
  DEFAULT_MAX_INBOX_BYTES,
  DEFAULT_MAX_INBOX_BYTES_PER_SENDER,
  DEFAULT_MAX_POOLED_BYTES,
  DEFAULT_MAX_TENSOR_BYTES,
  DEFAULT_MAX_TENSORS_PER_STREAM,
  DEFAULT_MIN_RECEIVE_BYTES_PER_S,
  DEFAULT_OPEN_TIMEOUT_MS,
  DEFAULT_REPLY_TIMEOUT_MS,
  DEFAULT_STALL_TIMEOUT_MS,
  DEFAULT_STREAM_GRACE_MS,
  MAX_INBOUND_STREAMS,
  MAX_OUTBOUND_STREAMS,
  MIN_POOLED_BUFFER_BYTES,
  TENSOR_STREAM_PROTOCOL,
} from './constants.js';
import { DirectSenders } from './direct-fetch.js';
import { DirectTensorServer } from './direct-server.js';
import { TensorStreamError, TensorStreamErrorCode } from './errors.js';
import { TensorInbox } from './inbox.js';
import { type DirectReceiving, type ReceiveLimits, receiveTensorStream } from './receiver.js';
import { checkTensorSet, type SendResult, sendTensorSet } from './sender.js';

export { TENSOR_STREAM_PROTOCOL } from './constants.js';
export { isTensorStreamError, TensorStreamError, TensorStreamErrorCode } from './errors.js';
export type { SendResult } from './sender.js';

export interface TensorStreamInit {
  /** Called for every stream this peer rejected, with the typed reason and the sender. */
  onRejected?: (err: TensorStreamError, from: PeerId) => void;
  maxTensorBytes?: number;
  maxTensorsPerStream?: number;
  maxInboxBytes?: number;
  maxInboxBytesPerSender?: number;
  /** Bytes of handed-back payload buffers kept for reuse (0 disables reuse). */
  maxPooledBytes?: number;
  stallTimeoutMs?: number;
  /** A stream must end within this plus its declared bytes at minReceiveBytesPerSecond. */
  streamGraceMs?: number;
  minReceiveBytesPerSecond?: number;
  replyTimeoutMs?: number;
  openTimeoutMs?: number;
  /**
   * Offer large payloads on a direct data channel: a plain TCP socket at this host and port (0:
   * any) that receivers dial, carrying AES-128-CTR ciphertext. Off when omitted.
   */
  direct?: { host: string; port?: number };
  /** Fetch payloads that senders offer on their direct channel (default true). */
  useDirect?: boolean;
  /** A direct fetch from `from` failed and its payload came over the libp2p stream instead. */
  onDirectFallback?: (err: TensorStreamError, from: PeerId) => void;
}

/** Narrow views of the libp2p components the service uses. */
export interface TensorStreamComponents {
  registrar: {
    handle(protocol: string, handler: StreamHandler, options?: StreamHandlerOptions): Promise<void>;
    unhandle(protocol: string, options?: AbortOptions): Promise<void>;
  };
  connectionManager: {
    openStream(peer: PeerId, protocol: string, options?: AbortOptions): Promise<Stream>;
  };
}

/** Payloads received per path since the service started. */
export interface TensorTransferCounts {
  /** Fetched over a sender's direct channel and verified. */
  direct: number;
  /** Direct offers that failed and came inline instead. */
  fallbacks: number;
}

export interface TensorStream {
  /** Sends named tensors for (execution, task) to `peer`; resolves once the peer verified them. */
  send(
    peer: PeerId,
    executionId: string,
    taskId: string,
    tensors: Readonly<Record<string, Tensor>>,
    options?: AbortOptions,
  ): Promise<SendResult>;
  /**
   * Registers (execution, task) and resolves with the named tensors once every spec has arrived
   * and verified, each from its peer in `senders` (tensor name -> PeerId string). Until this call,
   * and after it settles or `signal` aborts, tensors for it are refused before their payload.
   */
  awaitTensors(
    executionId: string,
    taskId: string,
    specs: readonly TensorSpec[],
    signal: AbortSignal | undefined,
    senders: Readonly<Record<string, string>>,
  ): Promise<Record<string, Tensor>>;
  /**
   * Hands tensors this peer produced to its own task awaiting them from `self` (this peer's
   * PeerId string): the same objects, no stream, no copy. Throws what a stream would be refused.
   */
  deliverLocal(
    executionId: string,
    taskId: string,
    tensors: Readonly<Record<string, Tensor>>,
    self: string,
  ): void;
  /**
   * Hands the payload buffers of received tensors back for reuse by later receives of the same
   * size. Only for bytes nothing else references any more (e.g. buffers the engine returned).
   */
  recycle(buffers: Iterable<ArrayBuffer | Uint8Array>): void;
  /** Bytes of received tensors held and reserved right now. */
  readonly bufferedBytes: number;
  /** The part of bufferedBytes held or reserved for one sender (a PeerId string). */
  bufferedBytesFrom(sender: string): number;
  /** The port of this peer's direct data channel, when it runs one. */
  readonly directPort: number | undefined;
  /** Payloads offered on the direct channel whose receiver has not answered yet. */
  readonly directOffers: number;
  readonly received: Readonly<TensorTransferCounts>;
}

class TensorStreamService implements TensorStream, Startable {
  private readonly inbox: TensorInbox;
  private readonly pool: BufferPool;
  private readonly limits: ReceiveLimits;
  private readonly replyTimeoutMs: number;
  private readonly openTimeoutMs: number;
  private readonly directReceiving: DirectReceiving;
  private directServer: DirectTensorServer | undefined;
  private shutdown = new AbortController();
  readonly received: TensorTransferCounts = { direct: 0, fallbacks: 0 };

  constructor(
    private readonly components: TensorStreamComponents,
    private readonly init: TensorStreamInit,
  ) {
    this.pool = new BufferPool({
      maxBytes: init.maxPooledBytes ?? DEFAULT_MAX_POOLED_BYTES,
      minBufferBytes: MIN_POOLED_BUFFER_BYTES,
    });
    this.inbox = new TensorInbox({
      maxBytes: init.maxInboxBytes ?? DEFAULT_MAX_INBOX_BYTES,
      maxBytesPerSender: init.maxInboxBytesPerSender ?? DEFAULT_MAX_INBOX_BYTES_PER_SENDER,
    });
    this.limits = {
      maxTensorBytes: init.maxTensorBytes ?? DEFAULT_MAX_TENSOR_BYTES,
      maxTensorsPerStream: init.maxTensorsPerStream ?? DEFAULT_MAX_TENSORS_PER_STREAM,
      stallTimeoutMs: init.stallTimeoutMs ?? DEFAULT_STALL_TIMEOUT_MS,
      streamGraceMs: init.streamGraceMs ?? DEFAULT_STREAM_GRACE_MS,
      minBytesPerSecond: init.minReceiveBytesPerSecond ?? DEFAULT_MIN_RECEIVE_BYTES_PER_S,
    };
    this.replyTimeoutMs = init.replyTimeoutMs ?? DEFAULT_REPLY_TIMEOUT_MS;
    this.openTimeoutMs = init.openTimeoutMs ?? DEFAULT_OPEN_TIMEOUT_MS;
    this.directReceiving = {
      enabled: init.useDirect ?? true,
      senders: new DirectSenders(),
      onDirect: () => void this.received.direct++,
      onFallback: (err, sender) => {
        this.received.fallbacks++;
        if (init.onDirectFallback !== undefined) init.onDirectFallback(err, peerIdFromString(sender));
      },
    };
  }

  readonly [Symbol.toStringTag] = '@splitup/tensor-stream';

  get bufferedBytes(): number {
    return this.inbox.bufferedBytes;
  }

  bufferedBytesFrom(sender: string): number {
    return this.inbox.bytesFrom(sender);
  }

  get directPort(): number | undefined {
    return this.directServer?.port;
  }

  get directOffers(): number {
    return this.directServer?.pendingOffers ?? 0;
  }

  async start(): Promise<void> {
    this.shutdown = new AbortController();
    // Every concurrent stream listens on this one signal.
    setMaxListeners(Number.POSITIVE_INFINITY, this.shutdown.signal);
    if (this.init.direct !== undefined) {
      this.directServer = await DirectTensorServer.listen({
        host: this.init.direct.host,
        port: this.init.direct.port ?? 0,
        idleTimeoutMs: this.limits.stallTimeoutMs,
      });
    }
    await this.components.registrar.handle(
      TENSOR_STREAM_PROTOCOL,
      (stream, connection) => {
        const sender = connection.remotePeer;
        void receiveTensorStream(stream, sender.toString(), {
          inbox: this.inbox,
          pool: this.pool,
          limits: this.limits,
          direct: this.directReceiving,
          senderHost: remoteHost([connection]),
          signal: this.shutdown.signal,
        }).then((rejection) => {
          if (rejection !== undefined) this.init.onRejected?.(rejection, sender);
        });
      },
      { maxInboundStreams: MAX_INBOUND_STREAMS, maxOutboundStreams: MAX_OUTBOUND_STREAMS },
    );
  }

  async stop(): Promise<void> {
    this.shutdown.abort();
    await this.components.registrar.unhandle(TENSOR_STREAM_PROTOCOL);
    await this.directServer?.close();
    this.directServer = undefined;
    this.inbox.clear(new TensorStreamError(TensorStreamErrorCode.STOPPED, 'tensor stream service stopped'));
    this.pool.clear();
  }

  async send(
    peer: PeerId,
    executionId: string,
    taskId: string,
    tensors: Readonly<Record<string, Tensor>>,
    options: AbortOptions = {},
  ): Promise<SendResult> {
    checkTensorSet(tensors); // before a stream is opened: a bad set costs the receiver nothing
    const openSignal = AbortSignal.any([
      AbortSignal.timeout(this.openTimeoutMs),
      ...(options.signal === undefined ? [] : [options.signal]),
    ]);
    const stream = await this.components.connectionManager.openStream(peer, TENSOR_STREAM_PROTOCOL, {
      signal: openSignal,
    });
    try {
      return await sendTensorSet(stream, executionId, taskId, tensors, {
        signal: options.signal ?? this.shutdown.signal,
        replyTimeoutMs: this.replyTimeoutMs,
        ...(this.directServer === undefined ? {} : { direct: this.directServer }),
      });
    } catch (err) {
      stream.abort(abortReason(err));
      throw err;
    }
  }

  awaitTensors(
    executionId: string,
    taskId: string,
    specs: readonly TensorSpec[],
    signal: AbortSignal | undefined,
    senders: Readonly<Record<string, string>>,
  ): Promise<Record<string, Tensor>> {
    return this.inbox.awaitTensors(executionId, taskId, specs, signal, senders);
  }

  deliverLocal(
    executionId: string,
    taskId: string,
    tensors: Readonly<Record<string, Tensor>>,
    self: string,
  ): void {
    this.inbox.deliverLocal(executionId, taskId, new Map(Object.entries(tensors)), self);
  }

  recycle(buffers: Iterable<ArrayBuffer | Uint8Array>): void {
    for (const buffer of buffers) this.pool.give(buffer);
  }
}

/** libp2p service factory: `services: { tensorStream: tensorStream() }`. */
export function tensorStream(
  init: TensorStreamInit = {},
): (components: TensorStreamComponents) => TensorStream {
  return (components) => new TensorStreamService(components, init);
}
