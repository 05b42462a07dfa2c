import assert from 'node:assert/strict';
import { test } from 'node:test';
import { generateIdentity } from '../../../node/identity/identity.js';
import { PLACEMENT_SCHEMA, parsePlacement } from '../../../node/scheduling/placement.js';
import { linearBundle } from '../engine/tiny-bundles.js';

const { manifest } = await linearBundle();
const peer = (await generateIdentity()).peerId.toString();
const tasks = manifest.tasks.map((t) => t.id);

test('a plan that gives a task no addrs is refused at once, naming the task and what to put there', () => {
  const withAddrs = (i: number) => (i === 1 ? {} : { addrs: ['/ip4/127.0.0.1/tcp/4001'] });
  const plan = {
    schema: PLACEMENT_SCHEMA,
    assignments: tasks.map((task, i) => ({ task, peer, ...withAddrs(i) })),
  };
  assert.throws(
    () => parsePlacement(plan, manifest),
    (e: Error & { code?: string }) =>
      e.code === 'PLAN_INVALID' && e.message.includes(`'${tasks[1]}'`) && /listen multiaddrs/.test(e.message),
  );
  const empty = { ...plan, assignments: plan.assignments.map((a) => ({ ...a, addrs: [] })) };
  assert.throws(() => parsePlacement(empty, manifest), /gives no addrs/);
});

test('a plan with addrs for every task parses', () => {
  const plan = {
    schema: PLACEMENT_SCHEMA,
    assignments: tasks.map((task) => ({ task, peer, addrs: ['/ip4/127.0.0.1/tcp/4001'] })),
  };
  assert.deepEqual(
    parsePlacement(plan, manifest).assignments.map((a) => a.task),
    tasks,
  );
});
