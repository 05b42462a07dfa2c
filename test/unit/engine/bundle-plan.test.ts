import assert from 'node:assert/strict';
import { test } from 'node:test';
import { planBundle } from '../../../node/engine/bundle-plan.js';
import { isSplitUpError } from '../../../node/errors.js';
import type { BundleManifest, Connection } from '../../../storage/bundle/manifest.js';
import { parallelBundle, stateBundle } from './tiny-bundles.js';

const invalid = (pattern: RegExp) => (err: unknown) =>
  isSplitUpError(err, 'BUNDLE_PLAN_INVALID') && pattern.test((err as Error).message);

function withConnections(m: BundleManifest, connections: Connection[]): BundleManifest {
  return { ...m, connections };
}

const c = (ft: string, f: string, tt: string, t: string): Connection => ({
  from: { task: ft, tensor: f },
  to: { task: tt, tensor: t },
});

test('plan: topological order, consumer counts, state seeds', async () => {
  const { manifest } = await parallelBundle();
  const plan = planBundle(manifest);
  assert.deepEqual(
    plan.order.map((p) => p.task.id),
    ['tA', 'tB', 'tC'],
  );
  assert.deepEqual([...plan.byId.get('tC')!.dependsOn].sort(), ['tA', 'tB']);
  assert.equal(plan.consumers.get('tA\0a'), 2);
  assert.equal(plan.consumers.get('@model\0x'), 2);
  const state = planBundle((await stateBundle()).manifest);
  assert.deepEqual(state.stateSeeds.get('past'), [{ task: 't0', input: 'past' }]);
  assert.equal(state.byId.get('t0')!.returnsState, true);
});

test('plan: reversed manifest order still runs producers first', async () => {
  const { manifest } = await parallelBundle();
  const plan = planBundle({ ...manifest, tasks: [...manifest.tasks].reverse() });
  assert.equal(plan.order.at(-1)!.task.id, 'tC');
});

test('plan: miswired manifests are rejected with BUNDLE_PLAN_INVALID', async () => {
  const { manifest: m } = await parallelBundle();
  const base = m.connections;
  assert.throws(
    () => planBundle(withConnections(m, [...base, c('tZ', 'a', 'tC', 'a')])),
    invalid(/unknown task 'tZ'/),
  );
  assert.throws(
    () => planBundle(withConnections(m, [...base, c('tA', 'q', 'tC', 'a')])),
    invalid(/does not output/),
  );
  assert.throws(
    () => planBundle(withConnections(m, [...base, c('tB', 'b', 'tC', 'q')])),
    invalid(/does not take/),
  );
  assert.throws(
    () => planBundle(withConnections(m, [...base, c('tB', 'b', 'tC', 'a')])),
    invalid(/fed twice/),
  );
  assert.throws(
    () => planBundle(withConnections(m, [...base, c('@model', 'nope', 'tC', 'a')])),
    invalid(/model input 'nope'/),
  );
  assert.throws(
    () => planBundle(withConnections(m, [...base, c('tB', 'b', '@model', 'nope')])),
    invalid(/model output 'nope'/),
  );
  assert.throws(
    () => planBundle(withConnections(m, [...base, c('tB', 'b', '@model', 'out')])),
    invalid(/fed twice/),
  );
  assert.throws(
    () => planBundle(withConnections(m, base.slice(1))),
    invalid(/input 'x' of task 'tA' has no source/),
  );
  assert.throws(
    () => planBundle(withConnections(m, base.slice(0, 4))),
    invalid(/model output 'out' has no source/),
  );
  assert.throws(() => planBundle({ ...m, tasks: [...m.tasks, m.tasks[0]!] }), invalid(/repeated/));
  // tA reads tC's output: tA -> tC -> tA
  const tA = {
    ...m.tasks[0]!,
    inputs: [...m.tasks[0]!.inputs, { name: 'back', dtype: 'float32' as const, shape: [2, 2] }],
  };
  const cyclic = {
    ...m,
    tasks: [tA, ...m.tasks.slice(1)],
    connections: [...base, c('tC', 'out', 'tA', 'back')],
  };
  assert.throws(() => planBundle(cyclic), invalid(/cycle/));
});
