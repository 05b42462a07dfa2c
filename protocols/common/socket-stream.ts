// A TCP socket seen as the part of a libp2p stream our protocols use: send with backpressure,
// half-close, abort, and the 'message' / 'end' / 'close' events StreamReader listens to. One
// protocol implementation then runs over a libp2p stream or over a plain socket (the direct data
// channel, for bytes whose integrity a hash already guarantees).
import type net from 'node:net';
import {
  type AbortOptions,
  type MessageStreamEvents,
  type MessageStreamReadStatus,
  type MessageStreamStatus,
  type Stream,
  StreamCloseEvent,
  StreamMessageEvent,
  TypedEventEmitter,
} from '@libp2p/interface';

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
>;

/** After closeRead(), how long the remote may keep its write side open before the socket goes. */
const CLOSE_READ_GRACE_MS = 2_000;

export class SocketStream extends TypedEventEmitter<MessageStreamEvents> implements ByteStream {
  status: MessageStreamStatus = 'open';
  readStatus: MessageStreamReadStatus = 'readable';
  readableEnded = false;
  private localError: Error | undefined;
  private remoteError: Error | undefined;

  /** `socket` must be connected, with allowHalfOpen set (the reply follows our end of writing). */
  constructor(private readonly socket: net.Socket) {
    super();
    socket.on('data', (data: Buffer) => {
      if (this.readStatus === 'readable') this.dispatchEvent(new StreamMessageEvent(data));
    });
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

  send(data: Uint8Array): boolean {
    if (this.status !== 'open' || this.socket.writableEnded) {
      throw new Error(`cannot send on a ${this.status} socket stream`);
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
    this.socket.destroy();
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
      const onClose = () => done(this.localError ?? this.remoteError ?? new Error('socket closed'));
      const onAbort = () => done(signal?.reason instanceof Error ? signal.reason : new Error('aborted'));
      if (signal?.aborted) return onAbort();
      this.socket.once(event, onEvent);
      this.socket.once('close', onClose);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}
