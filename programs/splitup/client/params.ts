import { BPS, MAX_COMMITTEE } from './generated/splitup.js';

/** Proof-of-Sampling parameters and stake/timeouts, with amounts as bigint. */
export interface ProtocolParams {
  stakeBase: bigint;
  stakePerGb: bigint;
  assignmentTimeoutS: bigint;
  completionTimeoutS: bigint;
  challengeWindowS: bigint;
  unstakeCooldownS: bigint;
  /** Task payment C = task compute units x this (token base units). */
  pricePerComputeUnit: bigint;
  /** R, a multiple of the task payment C, in basis points (12_000 = 1.2x). */
  verifierRewardBps: number;
  /** S, a multiple of C, in basis points (100_000 = 10x). */
  slashBps: number;
  /** p, in basis points. */
  verifyProbabilityBps: number;
  /** r, in basis points. */
  collusionBps: number;
}

/** Token base units in one whole token (USDC-like, 6 decimals). */
export const TOKEN_UNIT = 1_000_000n;
const MINUTE = 60n;

/**
 * Defaults: the product's example figures R = 1.2, S = 10 and r = 10%, with p raised from their
 * 8% (which needs p > 9.92% and fails) to 12%, so the security condition p > C/((1-r)(R+S))
 * holds: 0.12 > 1/(0.9 x 11.2) = 0.0992.
 */
export const DEFAULT_PROTOCOL_PARAMS: ProtocolParams = {
  stakeBase: 1000n * TOKEN_UNIT,
  stakePerGb: 100n * TOKEN_UNIT,
  assignmentTimeoutS: 2n * MINUTE,
  completionTimeoutS: 10n * MINUTE,
  challengeWindowS: 10n * MINUTE,
  unstakeCooldownS: 7n * 24n * 60n * MINUTE,
  pricePerComputeUnit: 10n,
  verifierRewardBps: 12_000,
  slashBps: 100_000,
  verifyProbabilityBps: 1_200,
  collusionBps: 1_000,
};

/** The product's example figures (p = 8%), which break the security condition; the program refuses them. */
export const SEED_EXAMPLE_PARAMS: ProtocolParams = { ...DEFAULT_PROTOCOL_PARAMS, verifyProbabilityBps: 800 };

/** p > 1/((1-r)(R+S)) in integer basis points, exactly as the program checks it. */
export function securityConditionHolds(p: ProtocolParams): boolean {
  const b = BigInt(BPS);
  return (
    BigInt(p.verifyProbabilityBps) * (b - BigInt(p.collusionBps)) * BigInt(p.verifierRewardBps + p.slashBps) >
    b * b * b
  );
}

/** The smallest p (basis points) that satisfies the condition for the other parameters. */
export function minimumVerifyProbabilityBps(p: ProtocolParams): number {
  const b = BigInt(BPS);
  const denom = (b - BigInt(p.collusionBps)) * BigInt(p.verifierRewardBps + p.slashBps);
  return Number((b * b * b) / denom + 1n);
}

/** ceil(2n/3), the program's default committee threshold. */
export function defaultThreshold(committeeSize: number): number {
  return Math.ceil((2 * committeeSize) / 3);
}

export { MAX_COMMITTEE };
