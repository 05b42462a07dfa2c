// Inbound side: reads headers and payloads from one stream, validates each header against the
// task's declared interface before allocating, verifies each payload's sha256, hands the verified
// set to the inbox and answers the sender with a verdict.
import { createHash } from 'node:crypto';
import type { Stream } from '@libp2p/interface';
import type { Tensor } from '../../storage/tensors/tensor.js';
import type { BufferPool } from '../common/buffer-pool.js';
import { abortReason } from '../common/errors.js';
import { StreamReader } from '../common/stream-reader.js';
import {
  ACK_DIRECT_DONE,
  ACK_SEND_INLINE,
  DIRECT_RETRY_AFTER_MS,
  HEADER_LENGTH_BYTES,
  MAX_REPLY_CODE_BYTES,
  REPLY_OK,
  REPLY_REJECTED,
} from './constants.js';
import { DirectChannelError, type DirectSenders, fetchDirectPayload } from './direct-fetch.js';
import { TensorStreamError, TensorStreamErrorCode, tensorReadErrors, transferTimeout } from './errors.js';
import { decodeHeader, decodeHeaderLength, type TensorHeader } from './header.js';
import { duplicate, type TensorInbox, unexpected } from './inbox.js';
import { validateHeader } from './validate.js';

export interface ReceiveLimits {
  maxTensorBytes: number;
  maxTensorsPerStream: number;
  stallTimeoutMs: number;
  /** The whole stream must end within this plus its declared payload bytes at minBytesPerSecond. */
  streamGraceMs: number;
  minBytesPerSecond: number;
}

/** How payloads offered on the sender's direct data channel are fetched. */
export interface DirectReceiving {
  /** Off: every direct offer is answered with "send inline". */
  enabled: boolean;
  senders: DirectSenders;
  /** A direct fetch that failed; the payload then came inline. */
  onFallback?: (err: TensorStreamError, sender: string) => void;
  /** A payload arrived over the direct channel and verified. */
  onDirect?: () => void;
}

export interface ReceiveContext {
  inbox: TensorInbox;
  pool: BufferPool;
  limits: ReceiveLimits;
  direct: DirectReceiving;
  /** The IP the sender's libp2p connection comes from: where its direct channel is dialled. */
  senderHost: string | undefined;
  signal: AbortSignal;
}

export function encodeReply(err?: TensorStreamError): Uint8Array {
  if (err === undefined) return Uint8Array.of(REPLY_OK);
  const code = new TextEncoder().encode(err.code).subarray(0, MAX_REPLY_CODE_BYTES);
  const out = new Uint8Array(2 + code.byteLength);
  out[0] = REPLY_REJECTED;
  out[1] = code.byteLength;
  out.set(code, 2);
  return out;
}

function asTensorStreamError(err: unknown): TensorStreamError {
  if (err instanceof TensorStreamError) return err;
  return new TensorStreamError(TensorStreamErrorCode.TRUNCATED, `tensor stream failed: ${String(err)}`, {
    cause: err,
  });
}

/**
 * Tries the direct channel a header offers. Resolves with the payload's digest when every byte
 * arrived; undefined when the channel failed or the bytes do not hash to the header's sha256 (only
 * the libp2p stream is authenticated, so the payload is then asked for there).
 */
async function fetchDirect(
  header: TensorHeader,
  data: Uint8Array,
  sender: string,
  context: ReceiveContext,
  deadline: AbortSignal,
): Promise<Buffer | undefined> {
  const { direct, senderHost } = context;
  if (!direct.enabled || senderHost === undefined || !direct.senders.usable(sender)) return undefined;
  if (deadline.aborted) return undefined; // the inline read then fails with the deadline's error
  const hash = createHash('sha256');
  try {
    await fetchDirectPayload({
      host: senderHost,
      route: header.direct!,
      into: data,
      hash,
      stallTimeoutMs: context.limits.stallTimeoutMs,
      signal: AbortSignal.any([context.signal, deadline]),
    });
  } catch (err) {
    // Stopping is not a channel failure: the stream is rejected as ABORTED.
    if (context.signal.aborted) throw tensorReadErrors.aborted();
    if (!(err instanceof DirectChannelError)) throw err;
    // The sender's port is unreachable from here: stop trying it for a while.
    if (!err.connected) direct.senders.markUnavailable(sender, DIRECT_RETRY_AFTER_MS);
    direct.onFallback?.(err, sender);
    return undefined;
  }
  const digest = hash.digest();
  if (!digest.equals(header.sha256)) {
    direct.onFallback?.(
      new TensorStreamError(
        TensorStreamErrorCode.DIRECT_CHANNEL_FAILED,
        `direct channel: tensor ${header.name} hashed to ${digest.toString('hex')}, not its header's sha256`,
      ),
      sender,
    );
    return undefined;
  }
  direct.onDirect?.();
  return digest;
}

/** Reads an inline payload into `data`, feeding the hash. */
async function readInline(reader: StreamReader, header: TensorHeader, data: Uint8Array): Promise<Buffer> {
  const hash = createHash('sha256');
  await reader.readInto(data, `tensor ${header.name}`, (piece) => hash.update(piece));
  return hash.digest();
}

/**
 * Receives one stream from `sender` (a PeerId string). Resolves with the rejection it sent back,
 * or undefined when accepted.
 */
export async function receiveTensorStream(
  stream: Stream,
  sender: string,
  context: ReceiveContext,
): Promise<TensorStreamError | undefined> {
  const { inbox, pool, limits, signal } = context;
  const reader = new StreamReader(stream, limits.stallTimeoutMs, tensorReadErrors, signal);
  // The deadline grows with each accepted header by its payload at the minimum rate; a direct
  // fetch under way is aborted with it too.
  const started = Date.now();
  const expired = new AbortController();
  let declared = 0;
  const extendDeadline = (bytes: number) => {
    declared += bytes;
    const allowedMs = limits.streamGraceMs + Math.ceil((declared * 1000) / limits.minBytesPerSecond);
    reader.setDeadline(started + allowedMs, () => {
      expired.abort();
      return transferTimeout(declared, allowedMs);
    });
  };
  extendDeadline(0);
  const received = new Map<string, Tensor>();
  let reserved = 0;
  let target: { executionId: string; taskId: string } | undefined;
  try {
    for (let count = 0; ; count++) {
      const prefix = await reader.readExactly(HEADER_LENGTH_BYTES, 'header length', true);
      if (prefix === null) break;
      if (count >= limits.maxTensorsPerStream) {
        throw new TensorStreamError(
          TensorStreamErrorCode.TOO_MANY_TENSORS,
          `a tensor stream may carry at most ${limits.maxTensorsPerStream} tensors`,
        );
      }
      const length = decodeHeaderLength(prefix);
      const header = decodeHeader((await reader.readExactly(length, 'header'))!);
      if (target === undefined) target = { executionId: header.executionId, taskId: header.taskId };
      else if (target.executionId !== header.executionId || target.taskId !== header.taskId) {
        throw new TensorStreamError(
          TensorStreamErrorCode.MIXED_TARGETS,
          `stream for task ${target.taskId}/${target.executionId} also carried ${header.taskId}/${header.executionId}`,
        );
      }
      // Only an (execution, task) this peer awaits, only from the input's named sender, only of
      // the declared size, only within the budgets: all checked before a payload byte is read.
      const expectation = inbox.expectation(header.executionId, header.taskId);
      if (expectation === undefined) throw unexpected(header.executionId, header.taskId);
      validateHeader(header, expectation.specs, limits);
      if (received.has(header.name)) throw duplicate(header.executionId, header.taskId, header.name);
      inbox.checkArrival(header.executionId, header.taskId, header.name, sender);
      inbox.reserve(header.byteLength, sender);
      reserved += header.byteLength;
      extendDeadline(header.byteLength);
      const data = pool.take(header.byteLength);
      let digest: Buffer | undefined;
      try {
        if (header.direct !== undefined) {
          digest = await fetchDirect(header, data, sender, context, expired.signal);
          stream.send(Uint8Array.of(digest === undefined ? ACK_SEND_INLINE : ACK_DIRECT_DONE));
        }
        digest ??= await readInline(reader, header, data);
      } catch (err) {
        pool.give(data); // nobody saw these bytes
        throw err;
      }
      if (!digest.equals(header.sha256)) {
        pool.give(data);
        throw new TensorStreamError(
          TensorStreamErrorCode.HASH_MISMATCH,
          `tensor ${header.name}: payload sha256 ${digest.toString('hex')} does not match its header`,
        );
      }
      received.set(header.name, { dtype: header.dtype, shape: header.shape, data, sha256: digest });
    }
    if (target !== undefined) inbox.deliver(target.executionId, target.taskId, received, sender);
    received.clear(); // the inbox owns them now
    reserved = 0; // ownership of the reserved bytes passed to the inbox
    reader.clearDeadline();
    stream.send(encodeReply());
    await stream.close({ signal: AbortSignal.timeout(limits.stallTimeoutMs) });
    return undefined;
  } catch (err) {
    reader.clearDeadline();
    inbox.release(reserved, sender);
    for (const tensor of received.values()) pool.give(tensor.data);
    const rejection = asTensorStreamError(err);
    try {
      // Tell the sender why, then stop reading whatever it still sends.
      stream.send(encodeReply(rejection));
      await stream.close({ signal: AbortSignal.timeout(limits.stallTimeoutMs) });
      await stream.closeRead();
    } catch (closeErr) {
      stream.abort(abortReason(closeErr));
    }
    return rejection;
  }
}
