// An oracle's vote for a round's liveness table: canonical bytes, signed with the oracle's ed25519
// key under a domain tag, naming the network and the round so that no vote replays elsewhere.
//   version u8 ‖ network id (32) ‖ round u64 LE ‖ table root (32) ‖ task count u32 LE ‖
//   oracle key (32) ‖ signature (64) over (domain ‖ everything before it)
import * as ed from '@noble/ed25519';
import { sha512 } from '@noble/hashes/sha2.js';
import { concat } from 'uint8arrays/concat';
import type { SignatureVerifier } from '../../heartbeat/signer.js';
import { VoteError, VoteErrorCode } from './errors.js';

ed.hashes.sha512 = sha512;

export const VOTE_VERSION = 1;
export const VOTE_SIGNING_DOMAIN = 'splitup/liveness-vote/1';
const BODY_BYTES = 1 + 32 + 8 + 32 + 4 + 32;
export const VOTE_BYTES = BODY_BYTES + 64;

export interface Vote {
  /** 32 bytes naming the network (e.g. the program's config address): votes never cross networks. */
  networkId: Uint8Array;
  round: bigint;
  tableRoot: Uint8Array;
  taskCount: number;
  oracleKey: Uint8Array;
}

export interface SignedVote extends Vote {
  signature: Uint8Array;
  /** The canonical wire bytes. */
  bytes: Uint8Array;
}

const domain = new TextEncoder().encode(VOTE_SIGNING_DOMAIN);

function malformed(why: string): VoteError {
  return new VoteError(VoteErrorCode.MALFORMED, `malformed vote: ${why}`);
}

function encodeBody(vote: Vote): Uint8Array {
  for (const [name, value] of [
    ['network id', vote.networkId],
    ['table root', vote.tableRoot],
    ['oracle key', vote.oracleKey],
  ] as const)
    if (value.length !== 32) throw malformed(`${name} is ${value.length} bytes, not 32`);
  if (vote.round < 0n || vote.round >= 1n << 64n) throw malformed(`round ${vote.round} is not a u64`);
  if (!Number.isInteger(vote.taskCount) || vote.taskCount < 0 || vote.taskCount > 0xffff_ffff)
    throw malformed(`task count ${vote.taskCount} is not a u32`);
  const out = new Uint8Array(BODY_BYTES);
  const view = new DataView(out.buffer);
  out[0] = VOTE_VERSION;
  out.set(vote.networkId, 1);
  view.setBigUint64(33, vote.round, true);
  out.set(vote.tableRoot, 41);
  view.setUint32(73, vote.taskCount, true);
  out.set(vote.oracleKey, 77);
  return out;
}

/** What the signature covers: the domain tag, then the body. */
function signed(body: Uint8Array): Uint8Array {
  return concat([domain, body]);
}

/** Signs `vote` with the oracle's 32-byte ed25519 seed (whose public key must be `vote.oracleKey`). */
export function signVote(vote: Omit<Vote, 'oracleKey'>, seed: Uint8Array): SignedVote {
  const oracleKey = ed.getPublicKey(seed);
  const body = encodeBody({ ...vote, oracleKey });
  const signature = ed.sign(signed(body), seed);
  const bytes = new Uint8Array(VOTE_BYTES);
  bytes.set(body, 0);
  bytes.set(signature, BODY_BYTES);
  return { ...vote, oracleKey, signature, bytes };
}

/** Parses and checks a vote's signature; throws VoteError MALFORMED or INVALID_SIGNATURE. */
export function decodeVote(bytes: Uint8Array, verifier: SignatureVerifier): SignedVote {
  if (!(bytes instanceof Uint8Array) || bytes.length !== VOTE_BYTES)
    throw malformed(`${bytes?.length} bytes, a vote is ${VOTE_BYTES}`);
  if (bytes[0] !== VOTE_VERSION) throw malformed(`version ${bytes[0]}, expected ${VOTE_VERSION}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const body = bytes.subarray(0, BODY_BYTES);
  const vote: SignedVote = {
    networkId: bytes.slice(1, 33),
    round: view.getBigUint64(33, true),
    tableRoot: bytes.slice(41, 73),
    taskCount: view.getUint32(73, true),
    oracleKey: bytes.slice(77, 109),
    signature: bytes.slice(BODY_BYTES),
    bytes: bytes.slice(),
  };
  if (!verifier.verify(vote.signature, signed(body), vote.oracleKey))
    throw new VoteError(VoteErrorCode.INVALID_SIGNATURE, 'the vote is not signed by the oracle it names');
  return vote;
}
