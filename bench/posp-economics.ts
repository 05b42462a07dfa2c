// The economics of Proof of Sampling (issue 11): task instances with cheating workers, lazy
// verifiers and withholding oracles, decided by the real selection and sampling code
// (protocols/committee/selection/select.ts) and settled by the real program in LiteSVM. Prints the
// measured sampling rate against p, each strategy's expected value per task against honesty's
// (the baseline, measured in the same run), and how many honest nodes lost stake.
// Usage: npm run bench -- posp-economics [-- --instances N --program-instances K --seed S]
import { parseArgs } from 'node:util';
import { DEFAULT_PROTOCOL_PARAMS } from '../programs/splitup/client/index.js';
import { simulate, TASK_PAYMENT } from './lib/posp/simulate.js';
import { DEFAULT_MIX } from './lib/posp/strategies.js';
import { COMPUTE_COST_SHARE, figuresOf, type StrategyFigure } from './lib/posp/tally.js';

/** The issue's run size. */
const DEFAULT_INSTANCES = 10_000;
/**
 * Instances sent through LiteSVM: about 55 ms each here (mostly the client rebuilding an anchor
 * Program per instruction), so 2,000 take about two minutes; the rest use the payout model, which
 * every program instance checks.
 */
const DEFAULT_PROGRAM_INSTANCES = 2_000;
/** The issue's tolerance on the measured sampling rate, in percentage points. */
const RATE_TOLERANCE_POINTS = 0.5;

const { values } = parseArgs({
  options: {
    instances: { type: 'string' },
    'program-instances': { type: 'string' },
    seed: { type: 'string' },
  },
});
const instances = values.instances ? Number(values.instances) : DEFAULT_INSTANCES;
const programInstances = values['program-instances']
  ? Number(values['program-instances'])
  : DEFAULT_PROGRAM_INSTANCES;
const seed = values.seed ?? 'issue-11';

const params = DEFAULT_PROTOCOL_PARAMS;
const p = params.verifyProbabilityBps / 100;
const pct = (x: number) => `${(100 * x).toFixed(2)}%`;
const fmt = (x: number) => (x >= 0 ? ` ${x.toFixed(3)}` : x.toFixed(3));

console.log(
  `${instances} task instances (${Math.min(programInstances, instances)} through the program in LiteSVM, the rest through the payout model), seed '${seed}'`,
);
console.log(
  `p = ${p}%, R = ${params.verifierRewardBps / 10_000} C, S = ${params.slashBps / 10_000} C, C = ${TASK_PAYMENT} base units, compute cost = ${COMPUTE_COST_SHARE} C`,
);
console.log(
  `mix: cheating workers ${pct(DEFAULT_MIX.cheatingWorker)}, lazy verifiers copy/guess/silent ${pct(DEFAULT_MIX.lazyCopy)}/${pct(DEFAULT_MIX.lazyGuess)}/${pct(DEFAULT_MIX.lazySilent)}, withholding oracles ${pct(DEFAULT_MIX.withholdingOracle)}`,
);

const sim = await simulate({ instances, programInstances, seed });
const f = figuresOf(sim.records, TASK_PAYMENT);

const drawnPoints = 100 * f.drawnRate - p;
console.log('\nsampling');
console.log(
  `  drawn by isSampled      ${pct(f.drawnRate)}  (p ${p}%, ${drawnPoints >= 0 ? '+' : ''}${drawnPoints.toFixed(2)} points; within ±${RATE_TOLERANCE_POINTS}: ${Math.abs(drawnPoints) <= RATE_TOLERANCE_POINTS})`,
);
console.log(`  sampled on chain        ${pct(f.onChainRate)}  (withheld decisions are paid as unsampled)`);
const onProgram = sim.records.filter((r) => r.through === 'program');
if (onProgram.length > 0 && onProgram.length < sim.records.length) {
  const sub = figuresOf(onProgram, TASK_PAYMENT);
  console.log(
    `  ${`program subset (${onProgram.length})`.padEnd(22)}  drawn ${pct(sub.drawnRate)}, on chain ${pct(sub.onChainRate)}`,
  );
}
console.log(
  `  withheld decisions      ${f.withheld}, of which isSampled said sampled: ${f.withheldWouldSample}; cheaters among those paid C unverified: ${f.withheldCheatersPaid}`,
);

const byRole = (role: StrategyFigure['role']) => f.strategies.filter((s) => s.role === role);
for (const role of ['worker', 'verifier'] as const) {
  const rows = byRole(role);
  const honest = rows.find((r) => r.strategy === 'honest');
  console.log(
    `\n${role} EV per ${role === 'worker' ? 'task' : 'verification'} (units of C; baseline: honest)`,
  );
  console.log(
    `  ${'strategy'.padEnd(26)} ${'count'.padStart(6)} ${'EV'.padStart(8)} ${'honest'.padStart(8)} ${'diff'.padStart(8)}`,
  );
  for (const r of rows.sort((a, b) => a.strategy.localeCompare(b.strategy)))
    console.log(
      `  ${r.strategy.padEnd(26)} ${String(r.count).padStart(6)} ${fmt(r.ev).padStart(8)} ${fmt(honest?.ev ?? Number.NaN).padStart(8)} ${fmt(r.ev - (honest?.ev ?? Number.NaN)).padStart(8)}`,
    );
}

// A cheater's EV is (1 - q) C - q S C at effective sampling rate q = p (1 - w): zero at
// q = 1 / (1 + S), so withholding a share w* = 1 - 1 / ((1 + S) p) of decisions makes cheating pay.
const s = params.slashBps / 10_000;
const breakEven = 1 - 1 / ((1 + s) * (params.verifyProbabilityBps / 10_000));
console.log('\nsafety');
console.log(`  honest nodes slashed or penalised  ${f.honestSlashedOrPenalised}`);
console.log(`  disputes resolved by the committee ${f.disputes}`);
console.log(`  sampled tasks paid unverified      ${f.sampledPaidUnverified.length} (honest oracle)`);
console.log(`  cheaters sampled but not slashed   ${f.cheatersSampledNotSlashed.length}`);
console.log(`  nodes replaced after a slash       ${sim.economy.replaced}`);
console.log(`  token drift (vault + wallets)      ${sim.tokenDrift}`);
console.log(
  `  model vs program mismatches        ${sim.modelMismatches.length} of ${Math.min(programInstances, instances)}`,
);
console.log(`  withheld share that makes cheating pay: ${pct(breakEven)} of decisions`);
console.log(
  `\ntime: ${(sim.programMs / 1000).toFixed(1)} s through the program (${(sim.programMs / Math.max(1, Math.min(programInstances, instances))).toFixed(1)} ms/instance), ${(sim.modelMs / 1000).toFixed(1)} s through the model`,
);
const ok =
  f.honestSlashedOrPenalised === 0 &&
  f.sampledPaidUnverified.length === 0 &&
  f.cheatersSampledNotSlashed.length === 0 &&
  sim.tokenDrift === 0n &&
  sim.modelMismatches.length === 0;
if (!ok) {
  console.error('an invariant failed', sim.modelMismatches.slice(0, 3));
  process.exit(1);
}
