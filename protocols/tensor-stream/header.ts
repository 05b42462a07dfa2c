// Binary codec of the per-tensor header. Layout (big-endian), preceded on the wire by a u16 length:
//   u8 version | u8 len + executionId | u8 len + taskId | u8 len + name | u8 dtype index
//   | u8 rank | u32 × rank dims | u64 byteLength | 32 bytes sha256(payload)
//   | u8 route: 0 inline (the payload follows) | 1 direct, then u16 port | token | key | iv
// Every length is bounded by constants.ts so a decoder never trusts a size it has not checked.
import { DTYPES, type DType } from '../../storage/tensors/tensor.js';
import {
  DIRECT_IV_BYTES,
  DIRECT_KEY_BYTES,
  DIRECT_TOKEN_BYTES,
  HEADER_LENGTH_BYTES,
  HEADER_VERSION,
  MAX_EXECUTION_ID_BYTES,
  MAX_HEADER_BYTES,
  MAX_RANK,
  MAX_TASK_ID_BYTES,
  MAX_TENSOR_NAME_BYTES,
  ROUTE_DIRECT,
  ROUTE_INLINE,
  SHA256_BYTES,
} from './constants.js';
import { TensorStreamError, TensorStreamErrorCode } from './errors.js';

export interface TensorHeader {
  executionId: string;
  taskId: string;
  name: string;
  dtype: DType;
  shape: number[];
  byteLength: number;
  sha256: Uint8Array;
  /** Set when the payload waits on the sender's direct data channel instead of following. */
  direct?: DirectRoute;
}

/** Where and how to fetch a payload from the sender's direct data channel. */
export interface DirectRoute {
  /** Port at the sender's IP (the one its libp2p connection comes from). */
  port: number;
  /** One-time token the receiver presents after the magic. */
  token: Uint8Array;
  /** AES-128-CTR key and initial counter block of this payload alone. */
  key: Uint8Array;
  iv: Uint8Array;
}

const DIRECT_ROUTE_BYTES = 2 + DIRECT_TOKEN_BYTES + DIRECT_KEY_BYTES + DIRECT_IV_BYTES;

const MAX_DIM = 0xffff_ffff;
const utf8 = new TextEncoder();
const utf8Strict = new TextDecoder('utf-8', { fatal: true });

function malformed(message: string): TensorStreamError {
  return new TensorStreamError(TensorStreamErrorCode.MALFORMED_HEADER, `malformed tensor header: ${message}`);
}

function encodeString(field: string, value: string, max: number): Uint8Array {
  const bytes = utf8.encode(value);
  if (bytes.byteLength === 0 || bytes.byteLength > max) {
    throw new TensorStreamError(
      TensorStreamErrorCode.INVALID_TENSOR,
      `${field} must be 1..${max} bytes of UTF-8, got ${bytes.byteLength}`,
    );
  }
  return bytes;
}

/** Encodes a header with its u16 length prefix, ready to send. */
export function encodeHeader(header: TensorHeader): Uint8Array {
  const execution = encodeString('execution id', header.executionId, MAX_EXECUTION_ID_BYTES);
  const task = encodeString('task id', header.taskId, MAX_TASK_ID_BYTES);
  const name = encodeString('tensor name', header.name, MAX_TENSOR_NAME_BYTES);
  const dtype = DTYPES.indexOf(header.dtype);
  if (dtype < 0)
    throw new TensorStreamError(TensorStreamErrorCode.INVALID_TENSOR, `unknown dtype ${header.dtype}`);
  if (header.shape.length > MAX_RANK) {
    throw new TensorStreamError(
      TensorStreamErrorCode.INVALID_TENSOR,
      `rank ${header.shape.length} > ${MAX_RANK}`,
    );
  }
  for (const d of header.shape) {
    if (!Number.isInteger(d) || d < 0 || d > MAX_DIM) {
      throw new TensorStreamError(TensorStreamErrorCode.INVALID_TENSOR, `bad dimension ${d}`);
    }
  }
  if (header.sha256.byteLength !== SHA256_BYTES) {
    throw new TensorStreamError(TensorStreamErrorCode.INVALID_TENSOR, 'sha256 must be 32 bytes');
  }
  const direct = header.direct;
  if (
    direct !== undefined &&
    (direct.token.byteLength !== DIRECT_TOKEN_BYTES ||
      direct.key.byteLength !== DIRECT_KEY_BYTES ||
      direct.iv.byteLength !== DIRECT_IV_BYTES ||
      !Number.isInteger(direct.port) ||
      direct.port < 1 ||
      direct.port > 0xffff)
  ) {
    throw new TensorStreamError(TensorStreamErrorCode.INVALID_TENSOR, 'malformed direct route');
  }
  const bodyLength =
    1 +
    1 +
    execution.byteLength +
    1 +
    task.byteLength +
    1 +
    name.byteLength +
    1 +
    1 +
    4 * header.shape.length +
    8 +
    32 +
    1 +
    (direct === undefined ? 0 : DIRECT_ROUTE_BYTES);
  const out = new Uint8Array(HEADER_LENGTH_BYTES + bodyLength);
  const view = new DataView(out.buffer);
  view.setUint16(0, bodyLength);
  let at = HEADER_LENGTH_BYTES;
  out[at++] = HEADER_VERSION;
  for (const bytes of [execution, task, name]) {
    out[at++] = bytes.byteLength;
    out.set(bytes, at);
    at += bytes.byteLength;
  }
  out[at++] = dtype;
  out[at++] = header.shape.length;
  for (const d of header.shape) {
    view.setUint32(at, d);
    at += 4;
  }
  view.setBigUint64(at, BigInt(header.byteLength));
  at += 8;
  out.set(header.sha256, at);
  at += SHA256_BYTES;
  if (direct === undefined) out[at] = ROUTE_INLINE;
  else {
    out[at++] = ROUTE_DIRECT;
    view.setUint16(at, direct.port);
    at += 2;
    for (const bytes of [direct.token, direct.key, direct.iv]) {
      out.set(bytes, at);
      at += bytes.byteLength;
    }
  }
  return out;
}

/** Reads the u16 length that precedes a header and checks it against MAX_HEADER_BYTES. */
export function decodeHeaderLength(prefix: Uint8Array): number {
  const length = (prefix[0]! << 8) | prefix[1]!;
  if (length === 0) throw malformed('zero length');
  if (length > MAX_HEADER_BYTES) {
    throw new TensorStreamError(
      TensorStreamErrorCode.HEADER_TOO_LARGE,
      `tensor header of ${length} bytes exceeds ${MAX_HEADER_BYTES}`,
    );
  }
  return length;
}

/** Decodes a header body (without its length prefix). Throws MALFORMED_HEADER on any inconsistency. */
export function decodeHeader(body: Uint8Array): TensorHeader {
  const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  let at = 0;
  const need = (n: number, what: string) => {
    if (at + n > body.byteLength) throw malformed(`truncated at ${what}`);
  };
  const readString = (what: string, max: number): string => {
    need(1, what);
    const len = body[at++]!;
    if (len === 0 || len > max) throw malformed(`${what} length ${len} outside 1..${max}`);
    need(len, what);
    const bytes = body.subarray(at, at + len);
    at += len;
    try {
      return utf8Strict.decode(bytes);
    } catch {
      throw malformed(`${what} is not UTF-8`);
    }
  };
  need(1, 'version');
  const version = body[at++]!;
  if (version !== HEADER_VERSION) throw malformed(`unsupported version ${version}`);
  const executionId = readString('execution id', MAX_EXECUTION_ID_BYTES);
  const taskId = readString('task id', MAX_TASK_ID_BYTES);
  const name = readString('tensor name', MAX_TENSOR_NAME_BYTES);
  need(2, 'dtype and rank');
  const dtype = DTYPES[body[at++]!];
  if (dtype === undefined) throw malformed(`unknown dtype index ${body[at - 1]}`);
  const rank = body[at++]!;
  if (rank > MAX_RANK) throw malformed(`rank ${rank} > ${MAX_RANK}`);
  need(4 * rank, 'shape');
  const shape: number[] = [];
  for (let i = 0; i < rank; i++) {
    shape.push(view.getUint32(at));
    at += 4;
  }
  need(8, 'byte length');
  const byteLength = view.getBigUint64(at);
  at += 8;
  if (byteLength > BigInt(Number.MAX_SAFE_INTEGER)) throw malformed(`byte length ${byteLength} too large`);
  need(SHA256_BYTES, 'sha256');
  const sha256 = body.slice(at, at + SHA256_BYTES);
  at += SHA256_BYTES;
  need(1, 'route');
  const route = body[at++]!;
  let direct: DirectRoute | undefined;
  if (route === ROUTE_DIRECT) {
    need(DIRECT_ROUTE_BYTES, 'direct route');
    const port = view.getUint16(at);
    if (port === 0) throw malformed('direct route on port 0');
    at += 2;
    const take = (n: number) => {
      const bytes = body.slice(at, at + n);
      at += n;
      return bytes;
    };
    direct = {
      port,
      token: take(DIRECT_TOKEN_BYTES),
      key: take(DIRECT_KEY_BYTES),
      iv: take(DIRECT_IV_BYTES),
    };
  } else if (route !== ROUTE_INLINE) throw malformed(`unknown payload route ${route}`);
  if (at !== body.byteLength) throw malformed(`${body.byteLength - at} trailing bytes`);
  const header: TensorHeader = {
    executionId,
    taskId,
    name,
    dtype,
    shape,
    byteLength: Number(byteLength),
    sha256,
  };
  if (direct !== undefined) header.direct = direct;
  return header;
}
