// Inbound side: reads headers and payloads from one stream, validates each header against the
// task's declared interface before allocating, verifies each payload's sha256, hands the verified
// set to the inbox and answers the sender with a verdict.
import { createHash } from 'node:crypto';
import type { Stream } from '@libp2p/interface';
import type { Tensor } from '../../storage/tensors/tensor.js';
import { StreamReader } from '../common/stream-reader.js';
import type { BufferPool } from './buffer-pool.js';
import { HEADER_LENGTH_BYTES, MAX_REPLY_CODE_BYTES, REPLY_OK, REPLY_REJECTED } from './constants.js';
import { TensorStreamError, TensorStreamErrorCode, tensorReadErrors } from './errors.js';
import { decodeHeader, decodeHeaderLength } from './header.js';
import { duplicate, type TensorInbox } from './inbox.js';
import { validateHeader } from './validate.js';

export interface ReceiveLimits {
  maxTensorBytes: number;
  maxTensorsPerStream: number;
  stallTimeoutMs: number;
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
 * Receives one stream from `sender` (a PeerId string). Resolves with the rejection it sent back,
 * or undefined when accepted.
 */
export async function receiveTensorStream(
  stream: Stream,
  sender: string,
  inbox: TensorInbox,
  pool: BufferPool,
  limits: ReceiveLimits,
  signal?: AbortSignal,
): Promise<TensorStreamError | undefined> {
  const reader = new StreamReader(stream, limits.stallTimeoutMs, tensorReadErrors, signal);
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
      const specs = inbox.specsFor(header.executionId, header.taskId);
      if (specs === undefined) {
        throw new TensorStreamError(
          TensorStreamErrorCode.UNEXPECTED_TASK,
          `this peer expects no tensors for task ${header.taskId} (execution ${header.executionId})`,
        );
      }
      validateHeader(header, specs, limits);
      if (received.has(header.name)) throw duplicate(header.executionId, header.taskId, header.name);
      inbox.checkArrival(header.executionId, header.taskId, header.name, sender);
      // Only now, with the header checked against the interface and the cap, allocate the payload.
      inbox.reserve(header.byteLength);
      reserved += header.byteLength;
      const data = pool.take(header.byteLength);
      const hash = createHash('sha256');
      try {
        await reader.readInto(data, `tensor ${header.name}`, (piece) => hash.update(piece));
      } catch (err) {
        pool.give(data); // nobody saw these bytes
        throw err;
      }
      const digest = hash.digest();
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
    stream.send(encodeReply());
    await stream.close({ signal: AbortSignal.timeout(limits.stallTimeoutMs) });
    return undefined;
  } catch (err) {
    inbox.release(reserved);
    for (const tensor of received.values()) pool.give(tensor.data);
    const rejection = asTensorStreamError(err);
    try {
      // Tell the sender why, then stop reading whatever it still sends.
      stream.send(encodeReply(rejection));
      await stream.close({ signal: AbortSignal.timeout(limits.stallTimeoutMs) });
      await stream.closeRead();
    } catch (closeErr) {
      stream.abort(closeErr instanceof Error ? closeErr : new Error(String(closeErr)));
    }
    return rejection;
  }
}
