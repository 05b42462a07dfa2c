// An oracle's observation for a round: for each node, the heartbeat it holds from the round's
// window (node key, sequence, sha256 of the signed heartbeat), signed by the oracle. Oracles fetch
// the heartbeats they lack from whoever named them, and check each node's own signature.
//   version u8 ‖ network id (32) ‖ round u64 LE ‖ oracle key (32) ‖ count u32 LE ‖
//   count × (node key (32) ‖ sequence u64 LE ‖ digest (32)), sorted by node key, one per node ‖
//   signature (64) over (domain ‖ everything before it)
import * as ed from '@noble/ed25519';
import { sha512 } from '@noble/hashes/sha2.js';
import { compare } from 'uint8arrays/compare';
import { concat } from 'uint8arrays/concat';
import type { SignatureVerifier } from '../../heartbeat/signer.js';
import { MAX_TABLE_NODES } from '../liveness/table.js';
import { ObservationError, ObservationErrorCode } from './errors.js';

ed.hashes.sha512 = sha512;

export const OBSERVATION_VERSION = 1;
export const OBSERVATION_SIGNING_DOMAIN = 'splitup/liveness-observation/1';
const HEAD_BYTES = 1 + 32 + 8 + 32 + 4;
export const OBSERVATION_ENTRY_BYTES = 32 + 8 + 32;
export const MAX_OBSERVATION_BYTES = HEAD_BYTES + MAX_TABLE_NODES * OBSERVATION_ENTRY_BYTES + 64;

export interface ObservedHeartbeat {
  nodeKey: Uint8Array;
  sequence: bigint;
  digest: Uint8Array;
}

export interface Observation {
  networkId: Uint8Array;
  round: bigint;
  oracleKey: Uint8Array;
  entries: ObservedHeartbeat[];
}

export interface SignedObservation extends Observation {
  bytes: Uint8Array;
}

const domain = new TextEncoder().encode(OBSERVATION_SIGNING_DOMAIN);

function malformed(why: string): ObservationError {
  return new ObservationError(ObservationErrorCode.MALFORMED, `malformed observation: ${why}`);
}

/** What the signature covers: the domain tag, then the body. */
function signedBytes(body: Uint8Array): Uint8Array {
  return concat([domain, body]);
}

export function signObservation(obs: Omit<Observation, 'oracleKey'>, seed: Uint8Array): SignedObservation {
  const oracleKey = ed.getPublicKey(seed);
  if (obs.entries.length > MAX_TABLE_NODES)
    throw malformed(`${obs.entries.length} entries, at most ${MAX_TABLE_NODES}`);
  const entries = [...obs.entries].sort((a, b) => compare(a.nodeKey, b.nodeKey));
  const body = new Uint8Array(HEAD_BYTES + entries.length * OBSERVATION_ENTRY_BYTES);
  const view = new DataView(body.buffer);
  body[0] = OBSERVATION_VERSION;
  body.set(obs.networkId, 1);
  view.setBigUint64(33, obs.round, true);
  body.set(oracleKey, 41);
  view.setUint32(73, entries.length, true);
  entries.forEach((e, i) => {
    const at = HEAD_BYTES + i * OBSERVATION_ENTRY_BYTES;
    if (i > 0 && compare(entries[i - 1]!.nodeKey, e.nodeKey) === 0) throw malformed('a node is named twice');
    body.set(e.nodeKey, at);
    view.setBigUint64(at + 32, e.sequence, true);
    body.set(e.digest, at + 40);
  });
  const signature = ed.sign(signedBytes(body), seed);
  const bytes = new Uint8Array(body.length + 64);
  bytes.set(body, 0);
  bytes.set(signature, body.length);
  return { ...obs, oracleKey, entries, bytes };
}

/** Parses and checks an observation's encoding and signature; throws ObservationError. */
export function decodeObservation(bytes: Uint8Array, verifier: SignatureVerifier): SignedObservation {
  if (
    !(bytes instanceof Uint8Array) ||
    bytes.length > MAX_OBSERVATION_BYTES ||
    bytes.length < HEAD_BYTES + 64
  )
    throw malformed(`${bytes?.length} bytes, outside ${HEAD_BYTES + 64}..${MAX_OBSERVATION_BYTES}`);
  if (bytes[0] !== OBSERVATION_VERSION)
    throw malformed(`version ${bytes[0]}, expected ${OBSERVATION_VERSION}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const count = view.getUint32(73, true);
  const bodyLength = HEAD_BYTES + count * OBSERVATION_ENTRY_BYTES;
  if (count > MAX_TABLE_NODES || bytes.length !== bodyLength + 64)
    throw malformed(`${count} entries do not fill ${bytes.length} bytes`);
  const entries: ObservedHeartbeat[] = [];
  for (let i = 0; i < count; i++) {
    const at = HEAD_BYTES + i * OBSERVATION_ENTRY_BYTES;
    const entry = {
      nodeKey: bytes.slice(at, at + 32),
      sequence: view.getBigUint64(at + 32, true),
      digest: bytes.slice(at + 40, at + 72),
    };
    if (i > 0 && compare(entries[i - 1]!.nodeKey, entry.nodeKey) >= 0)
      throw malformed('entries are not in strictly increasing node-key order');
    entries.push(entry);
  }
  const obs: SignedObservation = {
    networkId: bytes.slice(1, 33),
    round: view.getBigUint64(33, true),
    oracleKey: bytes.slice(41, 73),
    entries,
    bytes: bytes.slice(),
  };
  if (!verifier.verify(bytes.subarray(bodyLength), signedBytes(bytes.subarray(0, bodyLength)), obs.oracleKey))
    throw new ObservationError(
      ObservationErrorCode.INVALID_SIGNATURE,
      'the observation is not signed by the oracle it names',
    );
  return obs;
}
