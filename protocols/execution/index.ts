// The execution control protocol `/splitup/execution/2.0.0`: a client assigns task instances to
// workers (with the routes their outputs take) and workers report back. One framed request, one
// framed verdict per stream. Tensors travel on /splitup/tensor/2.0.0, never here.
import type {
  AbortOptions,
  PeerId,
  Startable,
  Stream,
  StreamHandler,
  StreamHandlerOptions,
} from '@libp2p/interface';
import { lpStream } from '@libp2p/utils';
import { abortReason, StreamError, StreamErrorCode } from '../common/errors.js';
import {
  DEFAULT_REQUEST_TIMEOUT_MS,
  EXECUTION_PROTOCOL,
  MAX_INBOUND_STREAMS,
  MAX_MESSAGE_BYTES,
  MAX_OUTBOUND_STREAMS,
} from './constants.js';
import { ExecutionError, ExecutionErrorCode, ExecutionRejection } from './errors.js';
import {
  type AssignMessage,
  decodeMessage,
  decodeReply,
  type ExecutionMessage,
  encodeJson,
  type Reply,
  type ReportMessage,
} from './messages.js';

export { EXECUTION_PROTOCOL } from './constants.js';
export * from './errors.js';
export type { AssignMessage, ExecutionMessage, PeerRef, ReportMessage, Route, Source } from './messages.js';

export interface ExecutionControlInit {
  /** Accept (resolve) or refuse (throw ExecutionRejection) an assignment; run it in the background. */
  onAssign?: (msg: AssignMessage, from: PeerId) => Promise<void> | void;
  onReport?: (msg: ReportMessage, from: PeerId) => Promise<void> | void;
  /** Called for every inbound message this peer could not decode or refused. */
  onRejected?: (err: ExecutionError | ExecutionRejection, from: PeerId) => void;
  requestTimeoutMs?: number;
}

export interface ExecutionControlComponents {
  registrar: {
    handle(protocol: string, handler: StreamHandler, options?: StreamHandlerOptions): Promise<void>;
    unhandle(protocol: string, options?: AbortOptions): Promise<void>;
  };
  connectionManager: {
    openStream(peer: PeerId, protocol: string, options?: AbortOptions): Promise<Stream>;
  };
}

export interface ExecutionControl {
  /** Sends a message and resolves once the peer accepted it; throws REMOTE_REJECTED otherwise. */
  send(peer: PeerId, msg: ExecutionMessage, options?: AbortOptions): Promise<void>;
}

function rejectionReply(err: unknown): Extract<Reply, { ok: false }> {
  if (err instanceof ExecutionRejection || err instanceof ExecutionError)
    return { ok: false, code: err.code, message: err.message };
  return { ok: false, code: 'EXECUTION_HANDLER_FAILED', message: 'the peer failed to handle the message' };
}

class ExecutionControlService implements ExecutionControl, Startable {
  private readonly timeoutMs: number;

  constructor(
    private readonly components: ExecutionControlComponents,
    private readonly init: ExecutionControlInit,
  ) {
    this.timeoutMs = init.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  }

  readonly [Symbol.toStringTag] = '@splitup/execution-control';

  async start(): Promise<void> {
    await this.components.registrar.handle(
      EXECUTION_PROTOCOL,
      (stream, connection) => {
        void this.handle(stream, connection.remotePeer);
      },
      { maxInboundStreams: MAX_INBOUND_STREAMS, maxOutboundStreams: MAX_OUTBOUND_STREAMS },
    );
  }

  async stop(): Promise<void> {
    await this.components.registrar.unhandle(EXECUTION_PROTOCOL);
  }

  private async handle(stream: Stream, from: PeerId): Promise<void> {
    const signal = AbortSignal.timeout(this.timeoutMs);
    const lp = lpStream(stream, { maxDataLength: MAX_MESSAGE_BYTES });
    let reply: Reply;
    try {
      let bytes: Uint8Array;
      try {
        bytes = (await lp.read({ signal })).subarray();
      } catch (err) {
        throw new ExecutionError(ExecutionErrorCode.MALFORMED_MESSAGE, 'unreadable control frame', {
          cause: err,
        });
      }
      const msg = decodeMessage(bytes);
      const handler = msg.type === 'assign' ? this.init.onAssign : this.init.onReport;
      if (handler === undefined)
        throw new ExecutionError(ExecutionErrorCode.UNSUPPORTED, `this peer does not accept '${msg.type}'`);
      await (handler as (m: ExecutionMessage, p: PeerId) => Promise<void> | void)(msg, from);
      reply = { ok: true };
    } catch (err) {
      reply = rejectionReply(err);
      if (err instanceof ExecutionError || err instanceof ExecutionRejection)
        this.init.onRejected?.(err, from);
    }
    try {
      await lp.write(encodeJson(reply), { signal });
      await stream.close({ signal });
    } catch (err) {
      stream.abort(
        new StreamError(StreamErrorCode.ABORTED, 'control reply failed', undefined, { cause: err }),
      );
    }
  }

  async send(peer: PeerId, msg: ExecutionMessage, options: AbortOptions = {}): Promise<void> {
    const signal = AbortSignal.any([
      AbortSignal.timeout(this.timeoutMs),
      ...(options.signal === undefined ? [] : [options.signal]),
    ]);
    const stream = await this.components.connectionManager.openStream(peer, EXECUTION_PROTOCOL, { signal });
    const lp = lpStream(stream, { maxDataLength: MAX_MESSAGE_BYTES });
    let reply: Reply;
    try {
      await lp.write(encodeJson(msg), { signal });
      let bytes: Uint8Array;
      try {
        bytes = (await lp.read({ signal })).subarray();
      } catch (err) {
        if (signal.aborted)
          throw new ExecutionError(ExecutionErrorCode.TIMEOUT, `peer ${peer} gave no verdict in time`, {
            cause: err,
          });
        throw new ExecutionError(ExecutionErrorCode.NO_REPLY, `peer ${peer} closed without a verdict`, {
          cause: err,
        });
      }
      reply = decodeReply(bytes);
      await stream.close({ signal }).catch(() => undefined);
    } catch (err) {
      stream.abort(abortReason(err));
      throw err;
    }
    if (!reply.ok) {
      throw new ExecutionError(
        ExecutionErrorCode.REMOTE_REJECTED,
        `peer ${peer} refused ${msg.type} of task ${msg.taskId}: ${reply.code}: ${reply.message}`,
        { remoteCode: reply.code },
      );
    }
  }
}

/** libp2p service factory: `services: { execution: executionControl({ onAssign }) }`. */
export function executionControl(
  init: ExecutionControlInit = {},
): (components: ExecutionControlComponents) => ExecutionControl {
  return (components) => new ExecutionControlService(components, init);
}
