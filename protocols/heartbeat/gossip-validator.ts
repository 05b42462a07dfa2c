// Lodestar-style topic validator wrapper: the validation function throws typed errors; this maps
// them to gossipsub's ACCEPT / IGNORE / REJECT (REJECT lowers the sender's peer score), counts the
// outcomes, and reports each one to the caller.
import { type Message, type TopicValidatorFn, TopicValidatorResult } from '@libp2p/gossipsub';
import type { PeerId } from '@libp2p/interface';
import { CodedError, isCodedError } from '../../storage/errors/index.js';
import { GossipErrorCode } from './errors.js';

/** A coded error that also says what gossip does ('reject' punishes the sender, 'ignore' drops). */
export type TypedGossipError = CodedError & { readonly action: 'reject' | 'ignore' };

class GossipInternalError extends CodedError<GossipErrorCode> {
  // Our own failure is no evidence against the peer.
  readonly action = 'ignore' as const;
}

export interface ValidationCounter {
  inc(labels: { result: string; code: string }): void;
}

export interface GossipValidatorHooks<T> {
  /** Called synchronously before ACCEPT is returned: commit state (e.g. last sequence) here. */
  onAccept(value: T, propagationSource: PeerId, message: Message): void;
  onInvalid?(
    error: TypedGossipError,
    result: TopicValidatorResult,
    propagationSource: PeerId,
    message: Message,
  ): void;
  counter?: ValidationCounter;
}

/** Code reported for an exception that is not a typed gossip error (a bug of ours, not the peer's). */
export const INTERNAL_VALIDATION_ERROR = GossipErrorCode.VALIDATION_INTERNAL;

function isTypedGossipError(err: unknown): err is TypedGossipError {
  const action = (err as { action?: unknown }).action;
  return isCodedError(err) && (action === 'reject' || action === 'ignore');
}

export function wrapGossipValidator<T>(
  validate: (message: Message) => T,
  hooks: GossipValidatorHooks<T>,
): TopicValidatorFn {
  return (propagationSource, message) => {
    try {
      const value = validate(message);
      hooks.onAccept(value, propagationSource, message);
      hooks.counter?.inc({ result: TopicValidatorResult.Accept, code: 'OK' });
      return TopicValidatorResult.Accept;
    } catch (err) {
      const typed: TypedGossipError = isTypedGossipError(err)
        ? err
        : new GossipInternalError(
            GossipErrorCode.VALIDATION_INTERNAL,
            `validator failed: ${(err as Error)?.message ?? String(err)}`,
            undefined,
            { cause: err },
          );
      const result = typed.action === 'reject' ? TopicValidatorResult.Reject : TopicValidatorResult.Ignore;
      hooks.counter?.inc({ result, code: typed.code });
      hooks.onInvalid?.(typed, result, propagationSource, message);
      return result;
    }
  };
}
