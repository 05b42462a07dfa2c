// Runs a simulation: the first `programInstances` task instances through the real program in
// LiteSVM (each also checked against the payout model), the rest through the same decision code
// (selection + isSampled on the real commitment) with the model's payouts.
import { C0 } from '../../../test/unit/programs/splitup/world.js';
import { createEconomy, drawsOf, type Economy, runInstance, type Take, totalTokens } from './economy.js';
import { type ModelTake, modelOutcome } from './payout-model.js';
import { DEFAULT_MIX, drawStrategies, randomnessOf, type StrategyMix } from './strategies.js';
import type { InstanceRecord } from './tally.js';

/** The simulated task's payment C (t0: 1000 compute units x 10). */
export const TASK_PAYMENT = C0;

export interface SimulationOptions {
  instances: number;
  /** How many of them go through the program; the rest through the model. */
  programInstances: number;
  seed: string;
  mix?: StrategyMix;
}

export interface Simulation {
  records: InstanceRecord[];
  economy: Economy;
  /** Program instances where the model's payouts differ from the program's: must be none. */
  modelMismatches: { instance: number; program: unknown; model: unknown }[];
  /** vault + client + every node wallet, end minus start minus minted stakes: must be 0. */
  tokenDrift: bigint;
  programMs: number;
  modelMs: number;
}

const plain = (t: Take | undefined): ModelTake | undefined =>
  t === undefined ? undefined : { paid: t.paid, stakeLost: t.stakeLost, slashed: t.slashed };

const same = (a: unknown, b: unknown) =>
  JSON.stringify(a, (_k, v) => (typeof v === 'bigint' ? v.toString() : v)) ===
  JSON.stringify(b, (_k, v) => (typeof v === 'bigint' ? v.toString() : v));

export async function simulate(o: SimulationOptions): Promise<Simulation> {
  const mix = o.mix ?? DEFAULT_MIX;
  const economy = await createEconomy();
  const records: InstanceRecord[] = [];
  const modelMismatches: Simulation['modelMismatches'] = [];
  const onProgram = Math.min(o.programInstances, o.instances);
  const t0 = performance.now();
  for (let i = 0; i < onProgram; i++) {
    const strategies = drawStrategies(o.seed, i, mix);
    const out = await runInstance(economy, i, strategies, randomnessOf(o.seed, i));
    const record: InstanceRecord = {
      instance: i,
      through: 'program',
      strategies,
      drawnSampled: out.drawnSampled,
      sampledOnChain: out.sampledOnChain,
      statusAtSettle: out.statusAtSettle,
      worker: plain(out.worker)!,
      ...(out.verifier ? { verifier: plain(out.verifier)! } : {}),
      ...(out.replacement ? { replacement: plain(out.replacement)! } : {}),
      disputes: out.disputes,
    };
    records.push(record);
    const model = modelOutcome(strategies, out.drawnSampled, TASK_PAYMENT);
    const seen = {
      sampledOnChain: record.sampledOnChain,
      worker: record.worker,
      verifier: record.verifier,
      replacement: record.replacement,
      disputes: record.disputes,
    };
    if (!same(seen, { ...seen, ...model, verifier: model.verifier, replacement: model.replacement }))
      modelMismatches.push({ instance: i, program: seen, model });
  }
  const t1 = performance.now();
  for (let i = onProgram; i < o.instances; i++) {
    const strategies = drawStrategies(o.seed, i, mix);
    const { drawnSampled } = drawsOf(economy, i, strategies, randomnessOf(o.seed, i));
    records.push({
      instance: i,
      through: 'model',
      strategies,
      drawnSampled,
      ...modelOutcome(strategies, drawnSampled, TASK_PAYMENT),
    });
  }
  const t2 = performance.now();
  const tokenDrift = totalTokens(economy) - economy.initialTokens - economy.minted;
  return { records, economy, modelMismatches, tokenDrift, programMs: t1 - t0, modelMs: t2 - t1 };
}
