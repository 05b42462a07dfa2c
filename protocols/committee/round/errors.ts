// Typed rejections of liveness votes and round certificates. Gossip validation maps each to a
// reject that lowers the sender's score.
import { CodedError, type CodeOf, defineErrorCodes } from '../../../storage/errors/index.js';

export const VoteErrorCode = defineErrorCodes('VOTE', {
  /** Bytes that are not a canonical vote (length, version, trailing bytes). */
  MALFORMED: 'VOTE_MALFORMED',
  /** The signature does not verify under the named oracle's key. */
  INVALID_SIGNATURE: 'VOTE_INVALID_SIGNATURE',
  /** A vote of another network or another round than the one being tallied. */
  INVALID_ROUND: 'VOTE_INVALID_ROUND',
  /** The signer is not a member of the committee. */
  UNAUTHORIZED: 'VOTE_UNAUTHORIZED',
  /** The same vote again. */
  DUPLICATE: 'VOTE_DUPLICATE',
  /** A second, different vote of one oracle in one round: both are kept as evidence, neither counts. */
  EQUIVOCATION: 'VOTE_EQUIVOCATION',
  /** A certificate with fewer distinct valid member votes for its table than the threshold. */
  INSUFFICIENT_QUORUM: 'VOTE_INSUFFICIENT_QUORUM',
});
export type VoteErrorCode = CodeOf<typeof VoteErrorCode>;

export const ObservationErrorCode = defineErrorCodes('OBSERVATION', {
  /** Bytes that are not a canonical observation (length, version, order, bounds). */
  MALFORMED: 'OBSERVATION_MALFORMED',
  INVALID_SIGNATURE: 'OBSERVATION_INVALID_SIGNATURE',
  /** Another network's or another round's observation. */
  INVALID_ROUND: 'OBSERVATION_INVALID_ROUND',
  /** The signer is not a member of the committee. */
  UNAUTHORIZED: 'OBSERVATION_UNAUTHORIZED',
  DUPLICATE: 'OBSERVATION_DUPLICATE',
  /** A second, different observation of one oracle in one round: the oracle's observations stop counting. */
  EQUIVOCATION: 'OBSERVATION_EQUIVOCATION',
});
export type ObservationErrorCode = CodeOf<typeof ObservationErrorCode>;

const OBSERVATION_ACTIONS: Record<ObservationErrorCode, 'reject' | 'ignore'> = {
  OBSERVATION_MALFORMED: 'reject',
  OBSERVATION_INVALID_SIGNATURE: 'reject',
  OBSERVATION_INVALID_ROUND: 'ignore',
  OBSERVATION_UNAUTHORIZED: 'reject',
  OBSERVATION_DUPLICATE: 'ignore',
  OBSERVATION_EQUIVOCATION: 'ignore',
};

export class ObservationError extends CodedError<ObservationErrorCode> {
  readonly action: 'reject' | 'ignore';
  constructor(code: ObservationErrorCode, message: string) {
    super(code, message);
    this.action = OBSERVATION_ACTIONS[code];
  }
}

/** What gossip does with a refused vote: 'reject' lowers the relaying peer's score. */
const VOTE_ACTIONS: Record<VoteErrorCode, 'reject' | 'ignore'> = {
  VOTE_MALFORMED: 'reject',
  VOTE_INVALID_SIGNATURE: 'reject',
  // A round boundary reached a little early or late by an honest clock.
  VOTE_INVALID_ROUND: 'ignore',
  VOTE_UNAUTHORIZED: 'reject',
  VOTE_DUPLICATE: 'ignore',
  VOTE_EQUIVOCATION: 'ignore',
  VOTE_INSUFFICIENT_QUORUM: 'reject',
};

export class VoteError extends CodedError<VoteErrorCode> {
  readonly action: 'reject' | 'ignore';
  constructor(code: VoteErrorCode, message: string) {
    super(code, message);
    this.action = VOTE_ACTIONS[code];
  }
}
