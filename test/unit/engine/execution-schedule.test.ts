import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { scheduleBundle } from '../../../node/engine/execution-schedule.js';
import { isCodedError } from '../../../node/errors.js';
import { openBundle } from '../../../node/model/bundle/open.js';
import { type BundleManifest, type Connection, MANIFEST_FILE } from '../../../storage/bundle/manifest.js';
import { parallelBundle, stateBundle } from './tiny-bundles.js';

/** The DAG rules refuse a miswired manifest when the bundle is opened, before any schedule. */
const refused = (code: string, pattern: RegExp) => (err: unknown) =>
  isCodedError(err, code) && pattern.test((err as Error).message);

function withConnections(m: BundleManifest, connections: Connection[]): BundleManifest {
  return { ...m, connections };
}

const c = (ft: string, f: string, tt: string, t: string): Connection => ({
  from: { task: ft, tensor: f },
  to: { task: tt, tensor: t },
});

async function scheduleOf(dir: string, manifest: BundleManifest) {
  await writeFile(join(dir, MANIFEST_FILE), JSON.stringify(manifest));
  return scheduleBundle(await openBundle(dir));
}

test('schedule: topological order, consumer counts, state seeds', async () => {
  const { dir, manifest } = await parallelBundle();
  const schedule = await scheduleOf(dir, manifest);
  assert.deepEqual(
    schedule.order.map((p) => p.task.id),
    ['tA', 'tB', 'tC'],
  );
  assert.deepEqual([...schedule.byId.get('tC')!.dependsOn].sort(), ['tA', 'tB']);
  assert.equal(schedule.consumers.get('tA\0a'), 2);
  assert.equal(schedule.consumers.get('@model\0x'), 2);
  const state = await stateBundle();
  const stateSchedule = await scheduleOf(state.dir, state.manifest);
  assert.deepEqual(stateSchedule.stateSeeds.get('past'), [{ task: 't0', input: 'past' }]);
  assert.equal(stateSchedule.byId.get('t0')!.returnsState, true);
});

test('schedule: reversed manifest order still runs producers first', async () => {
  const { dir, manifest } = await parallelBundle();
  const schedule = await scheduleOf(dir, { ...manifest, tasks: [...manifest.tasks].reverse() });
  assert.equal(schedule.order.at(-1)!.task.id, 'tC');
});

test('miswired manifests are refused by the DAG rules when the bundle is opened', async () => {
  const { dir, manifest: m } = await parallelBundle();
  const base = m.connections;
  const cases: [BundleManifest, string, RegExp][] = [
    [withConnections(m, [...base, c('tZ', 'a', 'tC', 'a')]), 'DAG_UNKNOWN_TASK', /'tZ'/],
    [withConnections(m, [...base, c('tA', 'q', 'tC', 'a')]), 'DAG_UNKNOWN_TENSOR', /'tA'\.'q'/],
    [withConnections(m, [...base, c('tB', 'b', 'tC', 'q')]), 'DAG_UNKNOWN_TENSOR', /'tC'\.'q'/],
    [withConnections(m, [...base, c('tB', 'b', 'tC', 'a')]), 'DAG_DUPLICATE_CONNECTION', /'tC'\.'a'/],
    [withConnections(m, [...base, c('@model', 'nope', 'tC', 'a')]), 'DAG_UNKNOWN_TENSOR', /model 'nope'/],
    [withConnections(m, [...base, c('tB', 'b', '@model', 'nope')]), 'DAG_UNKNOWN_TENSOR', /model 'nope'/],
    [withConnections(m, [...base, c('tB', 'b', '@model', 'out')]), 'DAG_DUPLICATE_CONNECTION', /model 'out'/],
    [withConnections(m, base.slice(1)), 'DAG_INPUT_UNSATISFIED', /'tA'\.'x'/],
    [withConnections(m, base.slice(0, 4)), 'DAG_INPUT_UNSATISFIED', /model output 'out'/],
    [{ ...m, tasks: [...m.tasks, m.tasks[0]!] }, 'DAG_DUPLICATE_TASK', /'tA'/],
  ];
  // tA reads tC's output: tA -> tC -> tA
  const tA = {
    ...m.tasks[0]!,
    inputs: [...m.tasks[0]!.inputs, { name: 'back', dtype: 'float32' as const, shape: [2, 2] }],
  };
  cases.push([
    { ...m, tasks: [tA, ...m.tasks.slice(1)], connections: [...base, c('tC', 'out', 'tA', 'back')] },
    'DAG_CYCLE',
    /cycle/,
  ]);
  for (const [manifest, code, pattern] of cases) {
    await assert.rejects(scheduleOf(dir, manifest), refused(code, pattern), `${code} ${pattern}`);
  }
});

test('a state input that no model input seeds cannot be scheduled: BUNDLE_PLAN_INVALID', async () => {
  const { dir, manifest } = await stateBundle();
  const unseeded = withConnections(
    manifest,
    manifest.connections.filter((x) => !(x.to.task === 't0' && x.to.tensor === 'past')),
  );
  await assert.rejects(
    scheduleOf(dir, {
      ...unseeded,
      model: { ...manifest.model, inputs: manifest.model.inputs.filter((i) => i.name !== 'past') },
    }),
    (err) => isCodedError(err, 'BUNDLE_PLAN_INVALID'),
  );
});
