// A TCP socket seen as the part of a libp2p stream our protocols use: send with backpressure,
// half-close, abort, and the 'message' / 'end' / 'close' events StreamReader listens to. One
// protocol implementation then runs over a libp2p stream or over a plain socket (the direct data
// channel, for bytes whose integrity a hash already guarantees).
import net from 'node:net';
import {
  type AbortOptions,
  type EventHandler,
  type MessageStreamEvents,
  type MessageStreamReadStatus,
  type MessageStreamStatus,
  type Stream,
  StreamCloseEvent,
  StreamMessageEvent,
  TypedEventEmitter,
} from '@libp2p/interface';
import { StreamError, StreamErrorCode } from './errors.js';

const socketClosed = () => new StreamError(StreamErrorCode.CLOSED, 'the socket is closed');

/** What our protocols use of a stream; a libp2p `Stream` and a `SocketStream` both have it. */
export type ByteStream = Pick<
  Stream,
  | 'send'
  | 'onDrain'
  | 'close'
  | 'closeRead'
  | 'abort'
  | 'addEventListener'
  | 'removeEventListener'
  | 'readableEnded'
  | 'readStatus'
  | 'status'
  | 'pause'
  | 'resume'
>;

/** After closeRead(), how long the remote may keep its write side open before the socket goes. */
const CLOSE_READ_GRACE_MS = 2_000;
/** Buffer a dialled socket reads into, reused for every read (no allocation per chunk). */
const READ_BUFFER_BYTES = 256 * 1024;

/**
 * A message whose bytes live in a reused read buffer: valid only while it is dispatched, so a
 * listener that keeps bytes copies them (StreamReader does).
 */
export class TransientMessageEvent extends StreamMessageEvent {
  readonly transient = true;
}

export class SocketStream extends TypedEventEmitter<MessageStreamEvents> implements ByteStream {
  status: MessageStreamStatus = 'open';
  readStatus: MessageStreamReadStatus = 'readable';
  readableEnded = false;
  private localError: Error | undefined;
  private remoteError: Error | undefined;
  private reading = false;

  /**
   * Dials host:port. The socket reads into one reused buffer and delivers TransientMessageEvents:
   * a 64 KiB allocation per chunk was a large share of a fetch's garbage.
   */
  static connect(host: string, port: number, signal: AbortSignal, timeoutMs: number): Promise<SocketStream> {
    let stream: SocketStream | undefined;
    const socket = net.connect({
      host,
      port,
      allowHalfOpen: true,
      noDelay: true,
      onread: {
        buffer: Buffer.allocUnsafe(READ_BUFFER_BYTES),
        callback: (bytes: number, buffer: Uint8Array) => {
          if (stream?.readStatus === 'readable') {
            stream.dispatchEvent(new TransientMessageEvent(buffer.subarray(0, bytes)));
          }
          return true; // keep reading
        },
      },
    });
    stream = new SocketStream(socket, true);
    socket.pause(); // onread sockets read from the start; reading waits for a listener
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => fail(new StreamError(StreamErrorCode.CONNECT_TIMEOUT, `connect to ${host}:${port} timed out`)),
        timeoutMs,
      );
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        socket.off('error', fail);
      };
      const fail = (err: Error) => {
        done();
        socket.destroy();
        reject(err);
      };
      const onAbort = () => fail(new StreamError(StreamErrorCode.ABORTED, 'connect aborted'));
      signal.addEventListener('abort', onAbort, { once: true });
      socket.once('error', fail);
      socket.once('connect', () => {
        done();
        resolve(stream);
      });
    });
  }

  /**
   * `socket` must have allowHalfOpen set (the reply follows our end of writing). Nothing is read
   * from it until a 'message' listener is added, so no byte arrives with nobody to take it.
   */
  constructor(
    private readonly socket: net.Socket,
    /** The socket delivers through an onread callback (see connect), not 'data' events. */
    private readonly readsViaOnRead = false,
  ) {
    super();
    socket.on('end', () => {
      this.readStatus = 'closed';
      this.readableEnded = true;
      this.dispatchEvent(new Event('end'));
      if (socket.writableFinished) socket.destroy();
    });
    socket.on('drain', () => this.dispatchEvent(new Event('drain')));
    socket.on('error', (err) => {
      this.remoteError ??= err;
    });
    socket.on('close', () => {
      const error = this.localError ?? this.remoteError;
      if (this.status === 'open' || this.status === 'closing') {
        this.status = error === undefined ? 'closed' : 'reset';
      }
      this.readStatus = 'closed';
      this.dispatchEvent(new StreamCloseEvent(this.localError !== undefined, error));
    });
  }

  override addEventListener<K extends keyof MessageStreamEvents>(
    type: K,
    listener: EventHandler<MessageStreamEvents[K]> | null,
    options?: Parameters<EventTarget['addEventListener']>[2],
  ): void {
    super.addEventListener(type, listener, options);
    if (type === 'message' && !this.reading) this.startReading();
  }

  private startReading(): void {
    this.reading = true;
    if (!this.readsViaOnRead) {
      this.socket.on('data', (data: Buffer) => {
        if (this.readStatus === 'readable') this.dispatchEvent(new StreamMessageEvent(data));
      });
    }
    this.socket.resume();
  }

  /** Stops reading from the socket (the kernel's buffer then holds the peer back). */
  pause(): void {
    this.socket.pause();
  }

  resume(): void {
    if (this.reading) this.socket.resume();
  }

  send(data: Uint8Array): boolean {
    if (this.status !== 'open' || this.socket.writableEnded) {
      throw new StreamError(StreamErrorCode.CLOSED, `cannot send on a ${this.status} socket stream`);
    }
    return this.socket.write(data);
  }

  async onDrain(options: AbortOptions = {}): Promise<void> {
    if (!this.socket.writableNeedDrain) return;
    await this.until('drain', options.signal);
  }

  /** Closes our write side once everything written reached the kernel; reading goes on. */
  async close(options: AbortOptions = {}): Promise<void> {
    if (this.socket.writableFinished) return;
    if (this.socket.destroyed) throw this.localError ?? this.remoteError ?? socketClosed();
    const finished = this.until('finish', options.signal);
    this.status = 'closing';
    this.socket.end();
    await finished;
    if (this.readableEnded) this.socket.destroy();
  }

  /** Stops delivering what the remote still sends; the socket goes once both sides are done. */
  async closeRead(): Promise<void> {
    this.readStatus = 'closed';
    if (this.readableEnded) return;
    setTimeout(() => this.socket.destroy(), CLOSE_READ_GRACE_MS).unref();
  }

  abort(err: Error): void {
    if (this.socket.destroyed) return;
    this.localError = err;
    this.status = 'aborted';
    this.socket.resetAndDestroy(); // an RST: the remote sees a failure, not a clean end
  }

  /** Resolves on the socket's `event`; rejects when the socket closes first or `signal` aborts. */
  private until(event: 'drain' | 'finish', signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      const done = (err?: Error) => {
        this.socket.off(event, onEvent);
        this.socket.off('close', onClose);
        signal?.removeEventListener('abort', onAbort);
        if (err === undefined) resolve();
        else reject(err);
      };
      const onEvent = () => done();
      const onClose = () => done(this.localError ?? this.remoteError ?? socketClosed());
      const onAbort = () =>
        done(
          signal?.reason instanceof Error
            ? signal.reason
            : new StreamError(StreamErrorCode.ABORTED, 'aborted'),
        );
      if (signal?.aborted) return onAbort();
      if (this.socket.destroyed) return onClose(); // its 'close' has fired already
      this.socket.once(event, onEvent);
      this.socket.once('close', onClose);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}
