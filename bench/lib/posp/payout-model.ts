// The program's payout rules for one task instance, as arithmetic: used for the instances the
// bench does not send through LiteSVM, and checked against the program on every instance it does.
import { DEFAULT_PROTOCOL_PARAMS, type ProtocolParams } from '../../../programs/splitup/client/index.js';
import type { Strategies } from './strategies.js';

export interface ModelTake {
  paid: bigint;
  stakeLost: bigint;
  slashed: boolean;
}

export interface ModelOutcome {
  sampledOnChain: boolean;
  worker: ModelTake;
  verifier?: ModelTake;
  replacement?: ModelTake;
  disputes: number;
}

const take = (paid: bigint, stakeLost = 0n, slashed = false): ModelTake => ({ paid, stakeLost, slashed });

/**
 * settle_task / resolve_dispute / reveal_timeout / reassign_task on task payment `c`: a match pays
 * C and R x C; a verdict slashes the guilty S x C, and pays the innocent party (C or R x C) from it;
 * a lazy verifier that times out loses R x C, unslashed, and an honest replacement verifies.
 */
export function modelOutcome(
  s: Strategies,
  drawnSampled: boolean,
  c: bigint,
  params: ProtocolParams = DEFAULT_PROTOCOL_PARAMS,
): ModelOutcome {
  const r = (c * BigInt(params.verifierRewardBps)) / 10_000n;
  const slash = (c * BigInt(params.slashBps)) / 10_000n;
  if (s.oracle === 'withhold' || !drawnSampled)
    return { sampledOnChain: false, worker: take(c), disputes: 0 };
  const cheat = s.worker === 'cheat';
  /** One concluded verification by a verifier that reveals `lies` ? a guess : the honest output. */
  const verified = (lies: boolean) => {
    if (!cheat && !lies) return { worker: take(c), verifier: take(r), disputes: 0 };
    // Dispute; the node is guilty whenever its output is wrong (even when the verifier's is too).
    if (cheat) return { worker: take(0n, -slash, true), verifier: take(r), disputes: 1 };
    return { worker: take(c), verifier: take(0n, -slash, true), disputes: 1 };
  };
  if (s.verifier === 'honest' || s.verifier === 'lazy-guess')
    return { sampledOnChain: true, ...verified(s.verifier === 'lazy-guess') };
  const second = verified(false);
  return {
    sampledOnChain: true,
    worker: second.worker,
    verifier: take(0n, -r),
    replacement: second.verifier,
    disputes: second.disputes,
  };
}
