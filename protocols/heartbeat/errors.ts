// Typed errors of the heartbeat protocol. `code` is stable; `action` says what gossip does with the
// message: 'reject' penalises the peer that sent it, 'ignore' drops it without penalty.

export type HeartbeatErrorCode =
  | 'HEARTBEAT_OVERSIZED'
  | 'HEARTBEAT_MALFORMED'
  | 'HEARTBEAT_UNSIGNED_ENVELOPE'
  | 'HEARTBEAT_KEY_MISMATCH'
  | 'HEARTBEAT_BAD_SIGNATURE'
  | 'HEARTBEAT_CLOCK_SKEW'
  | 'HEARTBEAT_REPLAY'
  | 'HEARTBEAT_INVALID_FIELD';

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

export class HeartbeatError extends Error {
  readonly code: HeartbeatErrorCode;
  readonly action: GossipAction;

  constructor(code: HeartbeatErrorCode, message: string) {
    super(message);
    this.name = 'HeartbeatError';
    this.code = code;
    this.action = ACTIONS[code];
  }
}

export function isHeartbeatError(err: unknown, code?: HeartbeatErrorCode): err is HeartbeatError {
  return err instanceof HeartbeatError && (code === undefined || err.code === code);
}
