// Outbound side: one stream per (execution, task) set; each tensor goes as header + payload in
// large slices with backpressure, then the sender waits for the receiver's verdict.
import { createHash } from 'node:crypto';
import type { Stream } from '@libp2p/interface';
import { type Tensor, tensorByteLength } from '../../storage/tensors/tensor.js';
import { StreamReader } from '../common/stream-reader.js';
import {
  ACK_DIRECT_DONE,
  ACK_SEND_INLINE,
  DIRECT_MIN_BYTES,
  MAX_REPLY_CODE_BYTES,
  REPLY_OK,
  REPLY_REJECTED,
  SEND_CHUNK_BYTES,
  SHA256_BYTES,
  SLOWEST_DIRECT_BYTES_PER_S,
} from './constants.js';
import type { DirectTensorServer } from './direct-server.js';
import { TensorStreamError, TensorStreamErrorCode, tensorReadErrors } from './errors.js';
import { encodeHeader } from './header.js';

export interface SendOptions {
  signal: AbortSignal;
  replyTimeoutMs: number;
  /** Offer payloads of at least DIRECT_MIN_BYTES on this direct data channel. */
  direct?: DirectTensorServer;
}

/** Which path each payload of a set took (the receiver decides a direct offer's fate). */
export interface SendResult {
  direct: number;
  inline: number;
}

async function write(stream: Stream, data: Uint8Array, signal: AbortSignal): Promise<void> {
  if (!stream.send(data)) await stream.onDrain({ signal });
}

/** Checks what the caller hands in before a byte leaves this peer. */
function checkTensor(name: string, tensor: Tensor): void {
  if (tensor.sha256 !== undefined && tensor.sha256.byteLength !== SHA256_BYTES) {
    throw new TensorStreamError(
      TensorStreamErrorCode.INVALID_TENSOR,
      `tensor ${name}: a sha256 has ${SHA256_BYTES} bytes, got ${tensor.sha256.byteLength}`,
    );
  }
  const expected = tensorByteLength(tensor.dtype, tensor.shape);
  if (tensor.data.byteLength !== expected) {
    throw new TensorStreamError(
      TensorStreamErrorCode.INVALID_TENSOR,
      `tensor ${name}: ${tensor.dtype}[${tensor.shape.join(',')}] needs ${expected} bytes, data has ${tensor.data.byteLength}`,
    );
  }
}

/** Reads a rejection's code (after its status byte) and throws REMOTE_REJECTED. */
async function throwRejection(reader: StreamReader): Promise<never> {
  const length = (await reader.readExactly(1, 'reply code length'))![0]!;
  const code = new TextDecoder().decode(
    (await reader.readExactly(Math.min(length, MAX_REPLY_CODE_BYTES), 'reply code'))!,
  );
  throw new TensorStreamError(
    TensorStreamErrorCode.REMOTE_REJECTED,
    `receiver rejected the tensors: ${code}`,
    {
      remoteCode: code,
    },
  );
}

async function readReply(reader: StreamReader): Promise<void> {
  const status = await reader.readExactly(1, 'reply', true);
  if (status === null) {
    throw new TensorStreamError(
      TensorStreamErrorCode.NO_REPLY,
      'receiver closed the stream without a verdict',
    );
  }
  if (status[0] === REPLY_OK) return;
  if (status[0] !== REPLY_REJECTED) {
    throw new TensorStreamError(TensorStreamErrorCode.NO_REPLY, `receiver sent unknown verdict ${status[0]}`);
  }
  return throwRejection(reader);
}

/**
 * After a direct offer: true when the receiver took the payload over the direct channel, false
 * when it asks for it inline. Throws when it rejected the tensor instead.
 */
async function readDirectAck(reader: StreamReader, byteLength: number, replyTimeoutMs: number) {
  const timeoutMs = replyTimeoutMs + Math.ceil((1000 * byteLength) / SLOWEST_DIRECT_BYTES_PER_S);
  const ack = await reader.readExactly(1, 'direct ack', true, timeoutMs);
  if (ack === null) {
    throw new TensorStreamError(TensorStreamErrorCode.NO_REPLY, 'receiver closed the stream without an ack');
  }
  if (ack[0] === ACK_DIRECT_DONE) return true;
  if (ack[0] === ACK_SEND_INLINE) return false;
  if (ack[0] === REPLY_REJECTED) return throwRejection(reader);
  throw new TensorStreamError(TensorStreamErrorCode.NO_REPLY, `receiver sent unknown ack ${ack[0]}`);
}

/** Checks every tensor of a set; callers run it before they open a stream. */
export function checkTensorSet(tensors: Readonly<Record<string, Tensor>>): void {
  for (const [name, tensor] of Object.entries(tensors)) checkTensor(name, tensor);
}

/**
 * Sends a set of named tensors for (execution, task) on an open stream and awaits the verdict.
 * The caller ran checkTensorSet() before it opened the stream.
 */
export async function sendTensorSet(
  stream: Stream,
  executionId: string,
  taskId: string,
  tensors: Readonly<Record<string, Tensor>>,
  options: SendOptions,
): Promise<SendResult> {
  const result: SendResult = { direct: 0, inline: 0 };
  // One reader for the whole stream: acks of direct offers, then the verdict.
  const reader = new StreamReader(stream, options.replyTimeoutMs, tensorReadErrors, options.signal);
  let sendError: unknown;
  try {
    for (const [name, tensor] of Object.entries(tensors)) {
      const sha256 = tensor.sha256 ?? createHash('sha256').update(tensor.data).digest();
      const route =
        options.direct !== undefined && tensor.data.byteLength >= DIRECT_MIN_BYTES
          ? options.direct.offer(tensor.data)
          : undefined;
      try {
        const header = encodeHeader({
          executionId,
          taskId,
          name,
          dtype: tensor.dtype,
          shape: tensor.shape,
          byteLength: tensor.data.byteLength,
          sha256,
          ...(route === undefined ? {} : { direct: route }),
        });
        await write(stream, header, options.signal);
        if (
          route !== undefined &&
          (await readDirectAck(reader, tensor.data.byteLength, options.replyTimeoutMs))
        ) {
          result.direct++;
          continue;
        }
      } finally {
        if (route !== undefined) options.direct!.withdraw(route);
      }
      for (let at = 0; at < tensor.data.byteLength; at += SEND_CHUNK_BYTES) {
        await write(stream, tensor.data.subarray(at, at + SEND_CHUNK_BYTES), options.signal);
      }
      result.inline++;
    }
    await stream.close({ signal: options.signal });
  } catch (err) {
    if (err instanceof TensorStreamError) throw err;
    // The receiver may have rejected mid-stream and stopped reading: its verdict explains why.
    sendError = err;
  }
  try {
    await readReply(reader);
    return result;
  } catch (err) {
    if (sendError !== undefined && !(err instanceof TensorStreamError && err.remoteCode !== undefined)) {
      throw new TensorStreamError(
        TensorStreamErrorCode.ABORTED,
        `sending tensors failed: ${String(sendError)}`,
        {
          cause: sendError,
        },
      );
    }
    throw err;
  }
}
