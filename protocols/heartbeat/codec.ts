// Canonical binary encoding of a heartbeat. Deterministic (one encoding per value), fixed-width
// big-endian integers, length-prefixed task ids, explicit maximum size. The signature covers the
// domain tag plus every byte before it.
import {
  ED25519_PUBLIC_KEY_BYTES,
  ED25519_SIGNATURE_BYTES,
  HEARTBEAT_CODEC_VERSION,
  HEARTBEAT_FIXED_BYTES,
  HEARTBEAT_SIGNING_DOMAIN,
  MAX_HARDWARE_CLASS_BYTES,
  MAX_HEARTBEAT_BYTES,
  MAX_TASK_ID_BYTES,
  MAX_TASKS_PER_HEARTBEAT,
} from './constants.js';
import { HeartbeatError } from './errors.js';

export const NODE_STATUSES = ['ready', 'busy', 'draining'] as const;
export type NodeStatus = (typeof NODE_STATUSES)[number];

const U64_MAX = (1n << 64n) - 1n;

/** What a node says about itself. */
export interface HeartbeatPayload {
  /** The node's 32-byte ed25519 public key (its PeerId and Solana address). */
  nodeKey: Uint8Array;
  /** Strictly increasing per node, across restarts (starts from the clock at boot). */
  sequence: bigint;
  /** Sender's clock, unix milliseconds. */
  timestampMs: bigint;
  status: NodeStatus;
  freeVramBytes: bigint;
  /** Ids of the tasks whose weights are loaded. */
  tasks: string[];
  /**
   * What the tasks run on (runtime and version, execution provider, device), derived by the
   * worker: a verifier of the same class must reproduce its outputs bit for bit. Absent: none.
   */
  hardwareClass?: string;
}

export interface SignedHeartbeat extends HeartbeatPayload {
  signature: Uint8Array;
}

const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function checkU64(name: string, value: bigint): void {
  if (value < 0n || value > U64_MAX) {
    throw new HeartbeatError('HEARTBEAT_INVALID_FIELD', `${name} ${value} is outside the u64 range`);
  }
}

/** The bytes the signature covers, without the domain tag. */
export function encodePayload(payload: HeartbeatPayload): Uint8Array {
  if (payload.nodeKey.length !== ED25519_PUBLIC_KEY_BYTES) {
    throw new HeartbeatError(
      'HEARTBEAT_INVALID_FIELD',
      `node key is ${payload.nodeKey.length} bytes, expected 32`,
    );
  }
  checkU64('sequence', payload.sequence);
  checkU64('timestamp', payload.timestampMs);
  checkU64('free VRAM', payload.freeVramBytes);
  const statusIndex = NODE_STATUSES.indexOf(payload.status);
  if (statusIndex < 0)
    throw new HeartbeatError('HEARTBEAT_INVALID_FIELD', `unknown status '${payload.status}'`);
  if (payload.tasks.length > MAX_TASKS_PER_HEARTBEAT) {
    throw new HeartbeatError(
      'HEARTBEAT_INVALID_FIELD',
      `${payload.tasks.length} tasks listed, at most ${MAX_TASKS_PER_HEARTBEAT} fit in a heartbeat`,
    );
  }
  const taskBytes = payload.tasks.map((task) => {
    const bytes = utf8.encode(task);
    if (bytes.length === 0 || bytes.length > MAX_TASK_ID_BYTES) {
      throw new HeartbeatError(
        'HEARTBEAT_INVALID_FIELD',
        `task id '${task}' must be 1..${MAX_TASK_ID_BYTES} UTF-8 bytes`,
      );
    }
    return bytes;
  });
  const classBytes = utf8.encode(payload.hardwareClass ?? '');
  if (classBytes.length > MAX_HARDWARE_CLASS_BYTES) {
    throw new HeartbeatError(
      'HEARTBEAT_INVALID_FIELD',
      `hardware class is ${classBytes.length} UTF-8 bytes, at most ${MAX_HARDWARE_CLASS_BYTES}`,
    );
  }
  const size = HEARTBEAT_FIXED_BYTES + taskBytes.reduce((n, b) => n + 1 + b.length, 0) + classBytes.length;
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  let at = 0;
  out[at++] = HEARTBEAT_CODEC_VERSION;
  out.set(payload.nodeKey, at);
  at += ED25519_PUBLIC_KEY_BYTES;
  view.setBigUint64(at, payload.sequence);
  at += 8;
  view.setBigUint64(at, payload.timestampMs);
  at += 8;
  out[at++] = statusIndex;
  view.setBigUint64(at, payload.freeVramBytes);
  at += 8;
  out[at++] = taskBytes.length;
  for (const bytes of taskBytes) {
    out[at++] = bytes.length;
    out.set(bytes, at);
    at += bytes.length;
  }
  out[at++] = classBytes.length;
  out.set(classBytes, at);
  return out;
}

/** The exact message that gets signed: domain tag, then the payload encoding. */
export function signingBytes(payloadBytes: Uint8Array): Uint8Array {
  const domain = utf8.encode(HEARTBEAT_SIGNING_DOMAIN);
  const out = new Uint8Array(domain.length + payloadBytes.length);
  out.set(domain, 0);
  out.set(payloadBytes, domain.length);
  return out;
}

export function encodeSignedHeartbeat(payloadBytes: Uint8Array, signature: Uint8Array): Uint8Array {
  if (signature.length !== ED25519_SIGNATURE_BYTES) {
    throw new HeartbeatError(
      'HEARTBEAT_INVALID_FIELD',
      `signature is ${signature.length} bytes, expected 64`,
    );
  }
  const out = new Uint8Array(payloadBytes.length + ED25519_SIGNATURE_BYTES);
  out.set(payloadBytes, 0);
  out.set(signature, payloadBytes.length);
  return out;
}

export interface DecodedHeartbeat {
  heartbeat: SignedHeartbeat;
  /** The signed part of the wire bytes (payload encoding). */
  payloadBytes: Uint8Array;
}

/** Parses wire bytes; rejects anything oversized, truncated, trailing or non-canonical. */
export function decodeSignedHeartbeat(bytes: Uint8Array): DecodedHeartbeat {
  if (bytes.length > MAX_HEARTBEAT_BYTES) {
    throw new HeartbeatError(
      'HEARTBEAT_OVERSIZED',
      `heartbeat is ${bytes.length} bytes, the maximum is ${MAX_HEARTBEAT_BYTES}`,
    );
  }
  const malformed = (why: string) => new HeartbeatError('HEARTBEAT_MALFORMED', `malformed heartbeat: ${why}`);
  if (bytes.length < HEARTBEAT_FIXED_BYTES + ED25519_SIGNATURE_BYTES) {
    throw malformed(
      `${bytes.length} bytes is shorter than the minimum ${HEARTBEAT_FIXED_BYTES + ED25519_SIGNATURE_BYTES}`,
    );
  }
  if (bytes[0] !== HEARTBEAT_CODEC_VERSION) throw malformed(`unknown version ${bytes[0]}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 1;
  const nodeKey = bytes.slice(at, at + ED25519_PUBLIC_KEY_BYTES);
  at += ED25519_PUBLIC_KEY_BYTES;
  const sequence = view.getBigUint64(at);
  at += 8;
  const timestampMs = view.getBigUint64(at);
  at += 8;
  const status = NODE_STATUSES[bytes[at++] ?? 255];
  if (status === undefined) throw malformed(`unknown status byte ${bytes[at - 1]}`);
  const freeVramBytes = view.getBigUint64(at);
  at += 8;
  const taskCount = bytes[at++] ?? 0;
  if (taskCount > MAX_TASKS_PER_HEARTBEAT)
    throw malformed(`${taskCount} tasks, at most ${MAX_TASKS_PER_HEARTBEAT}`);
  const payloadEnd = bytes.length - ED25519_SIGNATURE_BYTES;
  const tasks: string[] = [];
  for (let i = 0; i < taskCount; i++) {
    const len = bytes[at++];
    if (len === undefined || at > payloadEnd) throw malformed('truncated task list');
    if (len === 0 || len > MAX_TASK_ID_BYTES)
      throw malformed(`task id length ${len} outside 1..${MAX_TASK_ID_BYTES}`);
    if (at + len > payloadEnd) throw malformed('truncated task id');
    try {
      tasks.push(fromUtf8.decode(bytes.subarray(at, at + len)));
    } catch {
      throw malformed('task id is not UTF-8');
    }
    at += len;
  }
  const classLength = bytes[at++];
  if (classLength === undefined || at > payloadEnd) throw malformed('truncated hardware class');
  if (classLength > MAX_HARDWARE_CLASS_BYTES)
    throw malformed(`hardware class length ${classLength}, at most ${MAX_HARDWARE_CLASS_BYTES}`);
  if (at + classLength > payloadEnd) throw malformed('truncated hardware class');
  let hardwareClass: string;
  try {
    hardwareClass = fromUtf8.decode(bytes.subarray(at, at + classLength));
  } catch {
    throw malformed('hardware class is not UTF-8');
  }
  at += classLength;
  if (at !== payloadEnd) throw malformed(`${payloadEnd - at} unexpected bytes before the signature`);
  return {
    heartbeat: {
      nodeKey,
      sequence,
      timestampMs,
      status,
      freeVramBytes,
      tasks,
      ...(hardwareClass === '' ? {} : { hardwareClass }),
      signature: bytes.slice(payloadEnd),
    },
    payloadBytes: bytes.subarray(0, payloadEnd),
  };
}
