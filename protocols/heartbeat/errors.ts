// Typed errors of the heartbeat protocol. `code` is stable; `action` says what gossip does with the
// message: 'reject' penalises the peer that sent it, 'ignore' drops it without penalty.

import { CodedError, type CodeOf, defineErrorCodes } from '../../storage/errors/index.js';

export const HeartbeatErrorCode = defineErrorCodes('HEARTBEAT', {
  OVERSIZED: 'HEARTBEAT_OVERSIZED',
  MALFORMED: 'HEARTBEAT_MALFORMED',
  UNSIGNED_ENVELOPE: 'HEARTBEAT_UNSIGNED_ENVELOPE',
  KEY_MISMATCH: 'HEARTBEAT_KEY_MISMATCH',
  BAD_SIGNATURE: 'HEARTBEAT_BAD_SIGNATURE',
  CLOCK_SKEW: 'HEARTBEAT_CLOCK_SKEW',
  REPLAY: 'HEARTBEAT_REPLAY',
  INVALID_FIELD: 'HEARTBEAT_INVALID_FIELD',
});

export type HeartbeatErrorCode = CodeOf<typeof HeartbeatErrorCode>;

/** Codes of the gossip validator wrapper itself (gossip-validator.ts). */
export const GossipErrorCode = defineErrorCodes('GOSSIP', {
  /** The validator itself threw (a bug of ours, not evidence against the peer). */
  VALIDATION_INTERNAL: 'GOSSIP_VALIDATION_INTERNAL',
});
export type GossipErrorCode = CodeOf<typeof GossipErrorCode>;

export type GossipAction = 'reject' | 'ignore';

const ACTIONS: Record<HeartbeatErrorCode, GossipAction> = {
  HEARTBEAT_OVERSIZED: 'reject',
  HEARTBEAT_MALFORMED: 'reject',
  HEARTBEAT_UNSIGNED_ENVELOPE: 'reject',
  HEARTBEAT_KEY_MISMATCH: 'reject',
  HEARTBEAT_BAD_SIGNATURE: 'reject',
  // An honest node with a drifting clock is not an attacker: drop, do not punish.
  HEARTBEAT_CLOCK_SKEW: 'ignore',
  // Old sequence numbers reach us honestly after a late gossip retransmission: drop, do not punish.
  HEARTBEAT_REPLAY: 'ignore',
  HEARTBEAT_INVALID_FIELD: 'reject',
};

export class HeartbeatError extends CodedError<HeartbeatErrorCode> {
  readonly action: GossipAction;

  constructor(code: HeartbeatErrorCode, message: string) {
    super(code, message);
    this.action = ACTIONS[code];
  }
}

export function isHeartbeatError(err: unknown, code?: HeartbeatErrorCode): err is HeartbeatError {
  return err instanceof HeartbeatError && (code === undefined || err.code === code);
}
