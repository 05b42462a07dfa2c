// Figures of a simulation run: per strategy the expected value per task in units of C, the
// sampling rate against p, who got slashed, and the invariants that must hold on every instance.
import {
  DEFAULT_PROTOCOL_PARAMS,
  TASK_MATCHED,
  TASK_RESOLVED,
} from '../../../programs/splitup/client/index.js';
import type { ModelTake } from './payout-model.js';
import type { Strategies } from './strategies.js';

/**
 * Compute cost of one task instance as a share of its payment C: a worker and an honest verifier
 * both run the task once; 0.6 leaves an honest worker a 40% margin, a plausible GPU market.
 */
export const COMPUTE_COST_SHARE = 0.6;

export interface InstanceRecord {
  instance: number;
  through: 'program' | 'model';
  strategies: Strategies;
  drawnSampled: boolean;
  sampledOnChain: boolean;
  /** Program instances only: the task's status just before settle_task. */
  statusAtSettle?: number;
  worker: ModelTake;
  verifier?: ModelTake;
  replacement?: ModelTake;
  disputes: number;
}

export interface StrategyFigure {
  role: 'worker' | 'verifier';
  strategy: string;
  count: number;
  /** Mean of (payments + stake change − compute cost) / C. */
  ev: number;
}

const takeValue = (t: ModelTake, computed: boolean, c: bigint) =>
  (Number(t.paid + t.stakeLost) - (computed ? COMPUTE_COST_SHARE * Number(c) : 0)) / Number(c);

function mean(xs: number[]): number {
  return xs.length === 0 ? Number.NaN : xs.reduce((a, b) => a + b, 0) / xs.length;
}

export function strategyFigures(records: InstanceRecord[], c: bigint): StrategyFigure[] {
  const groups = new Map<string, { role: 'worker' | 'verifier'; strategy: string; values: number[] }>();
  const add = (role: 'worker' | 'verifier', strategy: string, v: number) => {
    const key = `${role}/${strategy}`;
    const g = groups.get(key) ?? { role, strategy, values: [] };
    g.values.push(v);
    groups.set(key, g);
  };
  for (const r of records) {
    const honestWorker = r.strategies.worker === 'honest';
    add('worker', r.strategies.worker, takeValue(r.worker, honestWorker, c));
    if (r.strategies.worker === 'cheat')
      add(
        'worker',
        `cheat, oracle ${r.strategies.oracle === 'withhold' ? 'withholds' : 'decides'}`,
        takeValue(r.worker, false, c),
      );
    if (r.verifier)
      add('verifier', r.strategies.verifier, takeValue(r.verifier, r.strategies.verifier === 'honest', c));
    if (r.replacement) add('verifier', 'honest', takeValue(r.replacement, true, c));
  }
  return [...groups.values()].map((g) => ({
    role: g.role,
    strategy: g.strategy,
    count: g.values.length,
    ev: mean(g.values),
  }));
}

export interface Figures {
  instances: number;
  pBps: number;
  /** Share of instances isSampled draws as sampled (what honest oracles decide). */
  drawnRate: number;
  /** Share of instances that were actually sampled on chain. */
  onChainRate: number;
  withheld: number;
  withheldWouldSample: number;
  /** Cheating workers paid C unverified because their instance's decision was withheld and would have sampled. */
  withheldCheatersPaid: number;
  disputes: number;
  honestSlashedOrPenalised: number;
  /** Invariant breaches: each list holds instance numbers. */
  sampledPaidUnverified: number[];
  cheatersSampledNotSlashed: number[];
  strategies: StrategyFigure[];
}

export function figuresOf(records: InstanceRecord[], c: bigint): Figures {
  const hurt = (t: ModelTake | undefined) => t !== undefined && (t.slashed || t.stakeLost < 0n);
  let honestHurt = 0;
  for (const r of records) {
    if (r.strategies.worker === 'honest' && hurt(r.worker)) honestHurt++;
    if (r.strategies.verifier === 'honest' && hurt(r.verifier)) honestHurt++;
    if (hurt(r.replacement)) honestHurt++;
  }
  const withheld = records.filter((r) => r.strategies.oracle === 'withhold');
  const withheldSampled = withheld.filter((r) => r.drawnSampled);
  return {
    instances: records.length,
    pBps: DEFAULT_PROTOCOL_PARAMS.verifyProbabilityBps,
    drawnRate: records.filter((r) => r.drawnSampled).length / records.length,
    onChainRate: records.filter((r) => r.sampledOnChain).length / records.length,
    withheld: withheld.length,
    withheldWouldSample: withheldSampled.length,
    withheldCheatersPaid: withheldSampled.filter((r) => r.strategies.worker === 'cheat' && r.worker.paid > 0n)
      .length,
    disputes: records.reduce((a, r) => a + r.disputes, 0),
    honestSlashedOrPenalised: honestHurt,
    sampledPaidUnverified: records
      .filter(
        (r) =>
          (r.strategies.oracle === 'honest' && r.drawnSampled && !r.sampledOnChain) ||
          (r.sampledOnChain &&
            r.statusAtSettle !== undefined &&
            r.statusAtSettle !== TASK_MATCHED &&
            r.statusAtSettle !== TASK_RESOLVED),
      )
      .map((r) => r.instance),
    cheatersSampledNotSlashed: records
      .filter((r) => r.strategies.worker === 'cheat' && r.sampledOnChain && !r.worker.slashed)
      .map((r) => r.instance),
    strategies: strategyFigures(records, c),
  };
}
