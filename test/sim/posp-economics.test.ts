// The Proof-of-Sampling economy (issue 11) on a few hundred task instances, every one through the
// real program in LiteSVM: the invariants that hold on every instance, whatever the draws. The
// statistical figures (sampling rate against p, expected values) are bench/posp-economics.ts's.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { type Simulation, simulate, TASK_PAYMENT } from '../../bench/lib/posp/simulate.js';
import type { StrategyMix } from '../../bench/lib/posp/strategies.js';
import { type Figures, figuresOf, type InstanceRecord } from '../../bench/lib/posp/tally.js';

/** Enough instances that every strategy meets a sampled task, at about 60 ms each. */
const INSTANCES = 300;
/**
 * Heavier than the bench's mix, so each adversarial path meets a sampled task about 8 times in
 * 300 instances (keys are fresh each run, so the draws are too; P(a path never runs) < 0.1%).
 */
const ADVERSARIAL_MIX: StrategyMix = {
  cheatingWorker: 0.3,
  lazyCopy: 0.2,
  lazyGuess: 0.2,
  lazySilent: 0.2,
  withholdingOracle: 0.2,
};

describe('the Proof-of-Sampling economy through the program', () => {
  let sim: Simulation;
  let f: Figures;
  before(async () => {
    sim = await simulate({
      instances: INSTANCES,
      programInstances: INSTANCES,
      seed: 'sim-test',
      mix: ADVERSARIAL_MIX,
    });
    f = figuresOf(sim.records, TASK_PAYMENT);
  });

  it('runs every strategy against a sampled task', () => {
    const sampled = sim.records.filter((r) => r.sampledOnChain);
    for (const v of ['honest', 'lazy-copy', 'lazy-guess', 'lazy-silent'] as const)
      assert.ok(
        sampled.some((r) => r.strategies.verifier === v),
        `no sampled task met a ${v} verifier`,
      );
    assert.ok(
      sampled.some((r) => r.strategies.worker === 'cheat'),
      'no cheater was sampled',
    );
    assert.ok(f.withheldWouldSample > 0, 'no withheld decision would have sampled');
  });

  it('slashes or penalises no honest node', () => {
    assert.equal(f.honestSlashedOrPenalised, 0);
    for (const r of sim.records) {
      if (r.strategies.worker === 'honest')
        assert.equal(r.worker.paid, TASK_PAYMENT, `instance ${r.instance}`);
      if (r.replacement) assert.ok(r.replacement.paid > 0n, `replacement verifier unpaid in ${r.instance}`);
    }
  });

  it('never pays a task an honest oracle sampled without a match or a verdict', () => {
    assert.deepEqual(f.sampledPaidUnverified, []);
  });

  it('catches every cheater that is sampled, and pays it nothing', () => {
    assert.deepEqual(f.cheatersSampledNotSlashed, []);
    for (const r of sim.records.filter((x) => x.strategies.worker === 'cheat' && x.sampledOnChain))
      assert.equal(r.worker.paid, 0n, `instance ${r.instance}`);
  });

  it('pays no lazy verifier of an honest worker: each loses stake', () => {
    // Against a cheater a guessing verifier is paid R x C: resolve_dispute names one guilty party
    // and it must be the node (the bench reports this case).
    const lazy = sim.records.filter(
      (x) => x.verifier && x.strategies.verifier !== 'honest' && x.strategies.worker === 'honest',
    );
    assert.ok(lazy.length > 0);
    for (const r of lazy) {
      assert.equal(r.verifier!.paid, 0n, `instance ${r.instance}: ${r.strategies.verifier}`);
      assert.ok(r.verifier!.stakeLost < 0n, `instance ${r.instance}: ${r.strategies.verifier}`);
    }
  });

  it('conserves tokens: vault + client + node wallets change only by the stakes minted', () => {
    assert.equal(sim.tokenDrift, 0n);
  });

  it('agrees with the payout model the bench uses past its program subset', () => {
    assert.deepEqual(sim.modelMismatches, []);
  });

  it('counts breaches when they happen (the checks can fail)', () => {
    const honestSlashed: InstanceRecord = {
      instance: 0,
      through: 'model',
      strategies: { worker: 'honest', verifier: 'honest', oracle: 'honest' },
      drawnSampled: true,
      sampledOnChain: false,
      worker: { paid: 0n, stakeLost: -1n, slashed: true },
      disputes: 0,
    };
    const cheaterMissed: InstanceRecord = {
      ...honestSlashed,
      instance: 1,
      strategies: { ...honestSlashed.strategies, worker: 'cheat' },
      sampledOnChain: true,
      statusAtSettle: 4, // TASK_UNSAMPLED: paid without a verdict
      worker: { paid: TASK_PAYMENT, stakeLost: 0n, slashed: false },
    };
    const bad = figuresOf([honestSlashed, cheaterMissed], TASK_PAYMENT);
    assert.equal(bad.honestSlashedOrPenalised, 1);
    assert.deepEqual(bad.sampledPaidUnverified, [0, 1]);
    assert.deepEqual(bad.cheatersSampledNotSlashed, [1]);
  });

  // Issue 11, property 2: "a sampling decision that is not made in time counts as sampled". Today
  // settle_task pays an undecided report as unsampled once the challenge window passes, so a
  // withholding oracle lets a cheater escape; this fails until the program closes that gap.
  it('treats a withheld sampling decision as sampled', {
    todo: 'program gap: settle_task pays an undecided REPORTED task as unsampled (ix_execution.c)',
  }, () => {
    const escaped = sim.records.filter(
      (r) => r.strategies.oracle === 'withhold' && r.strategies.worker === 'cheat' && r.worker.paid > 0n,
    );
    assert.deepEqual(
      escaped.map((r) => r.instance),
      [],
      'cheaters paid C unverified because the decision was withheld',
    );
  });
});
