// Who plays what in one simulated task instance, drawn from fixed fractions with a deterministic
// hash of (run seed, instance, role), so a run replays exactly and each role draws independently.
import { createHash } from 'node:crypto';

export type WorkerStrategy = 'honest' | 'cheat';
/** copy: commits the worker's on-chain commitment; guess: commits a made-up hash; silent: never commits. */
export type VerifierStrategy = 'honest' | 'lazy-copy' | 'lazy-guess' | 'lazy-silent';
/** withhold: the sampling decision is never sent. */
export type OracleStrategy = 'honest' | 'withhold';

export interface Strategies {
  worker: WorkerStrategy;
  verifier: VerifierStrategy;
  oracle: OracleStrategy;
}

/** Shares of each role's strategies (each role's shares sum to 1). */
export interface StrategyMix {
  cheatingWorker: number;
  lazyCopy: number;
  lazyGuess: number;
  lazySilent: number;
  withholdingOracle: number;
}

/**
 * The bench's default mix: one worker in ten cheats, 15% of verifiers are lazy (5% per kind), one
 * sampling decision in twenty is withheld. Large enough that every strategy has a few hundred
 * samples in 10,000 instances, small enough that honesty stays the common case.
 */
export const DEFAULT_MIX: StrategyMix = {
  cheatingWorker: 0.1,
  lazyCopy: 0.05,
  lazyGuess: 0.05,
  lazySilent: 0.05,
  withholdingOracle: 0.05,
};

/** A uniform draw in [0, 1) from sha256(label): 48 bits are plenty for shares of a few percent. */
export function uniform(label: string): number {
  return createHash('sha256').update(label).digest().readUIntLE(0, 6) / 2 ** 48;
}

/** 32 pseudo-random bytes standing in for the execution's VRF output (also uniform and unique). */
export function randomnessOf(runSeed: string, instance: number): Uint8Array {
  return createHash('sha256').update(`posp-economics/randomness/${runSeed}/${instance}`).digest();
}

export function drawStrategies(runSeed: string, instance: number, mix: StrategyMix): Strategies {
  const u = (role: string) => uniform(`posp-economics/${role}/${runSeed}/${instance}`);
  const v = u('verifier');
  const verifier: VerifierStrategy =
    v < mix.lazyCopy
      ? 'lazy-copy'
      : v < mix.lazyCopy + mix.lazyGuess
        ? 'lazy-guess'
        : v < mix.lazyCopy + mix.lazyGuess + mix.lazySilent
          ? 'lazy-silent'
          : 'honest';
  return {
    worker: u('worker') < mix.cheatingWorker ? 'cheat' : 'honest',
    verifier,
    oracle: u('oracle') < mix.withholdingOracle ? 'withhold' : 'honest',
  };
}
