// Checks a received heartbeat, cheapest checks first; throws a HeartbeatError saying what failed.
import { decodeSignedHeartbeat, type SignedHeartbeat, signingBytes } from './codec.js';
import { HeartbeatError } from './errors.js';
import type { SignatureVerifier } from './signer.js';

export interface HeartbeatValidationContext {
  /** Raw ed25519 key of the peer that originated (signed) the gossip message; undefined if unsigned. */
  senderKey: Uint8Array | undefined;
  /** Our clock, unix milliseconds. */
  nowMs: number;
  maxClockSkewMs: number;
  /** Highest sequence already accepted from this node key, if any. */
  lastSequence: bigint | undefined;
  verifier: SignatureVerifier;
}

export function validateHeartbeat(bytes: Uint8Array, ctx: HeartbeatValidationContext): SignedHeartbeat {
  const { heartbeat, payloadBytes } = decodeSignedHeartbeat(bytes);
  if (ctx.senderKey === undefined) {
    throw new HeartbeatError(
      'HEARTBEAT_UNSIGNED_ENVELOPE',
      'heartbeat arrived in an unsigned gossip message',
    );
  }
  if (!sameBytes(ctx.senderKey, heartbeat.nodeKey)) {
    throw new HeartbeatError(
      'HEARTBEAT_KEY_MISMATCH',
      'heartbeat node key is not the key of the peer that published it',
    );
  }
  const skew = Number(heartbeat.timestampMs) - ctx.nowMs;
  if (Math.abs(skew) > ctx.maxClockSkewMs) {
    throw new HeartbeatError(
      'HEARTBEAT_CLOCK_SKEW',
      `heartbeat timestamp is ${skew} ms from our clock, outside the ±${ctx.maxClockSkewMs} ms window`,
    );
  }
  if (ctx.lastSequence !== undefined && heartbeat.sequence <= ctx.lastSequence) {
    throw new HeartbeatError(
      'HEARTBEAT_REPLAY',
      `heartbeat sequence ${heartbeat.sequence} is not after the last accepted ${ctx.lastSequence}`,
    );
  }
  if (!ctx.verifier.verify(heartbeat.signature, signingBytes(payloadBytes), heartbeat.nodeKey)) {
    throw new HeartbeatError(
      'HEARTBEAT_BAD_SIGNATURE',
      'heartbeat signature does not verify against its node key',
    );
  }
  return heartbeat;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}
