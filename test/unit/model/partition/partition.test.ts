import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SplitUpError } from '../../../../node/errors.js';
import { indexGraph } from '../../../../node/model/partition/graph-index.js';
import { exactPartition } from '../../../../node/model/partition/ideal-dp.js';
import {
  checkPartition,
  estimateTaskMemory,
  NO_MARGIN,
  partition,
} from '../../../../node/model/partition/index.js';
import { GraphBuilder, transformerGraph } from '../../../../node/model/partition/synthetic.js';
import type { PartitionGraph } from '../../../../node/model/partition-graph.js';

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof SplitUpError) return err.code;
    throw err;
  }
  throw new Error('expected an error');
}

/**
 * x → split[WS] → (l1[WL1] → l2[WL2]) and (r1[WR1] → r2[WR2]) → join[WJ]. WS and WJ are too big to
 * share a task with a branch node; l1/r1 write 10 bytes, so cutting across the branches costs more
 * than cutting around them.
 */
function twoBranches(): PartitionGraph {
  const g = new GraphBuilder();
  g.tensor('x', 'model-input', 2);
  g.tensor('WS', 'weight', 150);
  g.tensor('WJ', 'weight', 150);
  for (const w of ['WL1', 'WL2', 'WR1', 'WR2']) g.tensor(w, 'weight', 100);
  g.node(
    'split',
    'Split',
    ['x', 'WS'],
    [
      { name: 'l0', bytes: 1 },
      { name: 'r0', bytes: 1 },
    ],
  );
  g.node('l1', 'MatMul', ['l0', 'WL1'], [{ name: 'l1', bytes: 10 }]);
  g.node('r1', 'MatMul', ['r0', 'WR1'], [{ name: 'r1', bytes: 10 }]);
  g.node('l2', 'MatMul', ['l1', 'WL2'], [{ name: 'l2', bytes: 1 }]);
  g.node('r2', 'MatMul', ['r1', 'WR2'], [{ name: 'r2', bytes: 1 }]);
  g.node('join', 'Add', ['l2', 'r2', 'WJ'], [{ name: 'y', bytes: 1 }]);
  g.markOutput('y');
  return g.build();
}

/** Task names, and whether any tensor flows between the two named tasks. */
function describe(graph: PartitionGraph, tasks: { nodes: number[] }[]) {
  const names = tasks.map((t) => t.nodes.map((v) => graph.nodes[v]!.name));
  const owner = (name: string) => names.findIndex((t) => t.includes(name));
  const linked = (a: number, b: number) =>
    graph.nodes.some(
      (n) =>
        owner(n.name) === b &&
        n.inputs.some((i) => {
          const p = graph.tensors.get(i)?.producer;
          return p !== undefined && owner(graph.nodes[p]!.name) === a;
        }),
    );
  return { names, owner, linked };
}

test('independent branches become parallel tasks with no edge between them', () => {
  const graph = twoBranches();
  for (const method of ['auto', 'segments'] as const) {
    const plan = partition(graph, { targetBytes: 215, margin: NO_MARGIN, method });
    assert.equal(plan.method, method === 'auto' ? 'exact' : 'segments');
    const { names, owner, linked } = describe(graph, plan.tasks);
    assert.equal(plan.tasks.length, 4, JSON.stringify(names));
    const left = owner('l1');
    const right = owner('r1');
    assert.deepEqual([owner('l2'), owner('r2')], [left, right], JSON.stringify(names));
    assert.notEqual(left, right);
    assert.ok(!linked(left, right) && !linked(right, left));
    checkPartition(graph, plan.tasks, 215, NO_MARGIN);
  }
});

test('everything fits: one task, cut = model input bytes', () => {
  const plan = partition(twoBranches(), { targetBytes: 1e9, margin: NO_MARGIN });
  assert.equal(plan.tasks.length, 1);
  assert.equal(plan.cutBytes, 2);
  assert.deepEqual(plan.memory[0], estimateTaskMemory(twoBranches(), [0, 1, 2, 3, 4, 5], NO_MARGIN));
  assert.equal(plan.memory[0]!.weightBytes, 700);
});

test('a state binding keeps reader and writer in one task even when cutting between them is cheaper', () => {
  const g = new GraphBuilder();
  g.tensor('x', 'model-input', 1);
  g.tensor('past', 'model-input', 5);
  g.tensor('W', 'weight', 50);
  g.node('read', 'Op', ['x', 'past', 'W'], [{ name: 'a', bytes: 1 }]);
  g.node('mid', 'Op', ['a', 'W'], [{ name: 'b', bytes: 1 }]);
  g.node('write', 'Op', ['b'], [{ name: 'present', bytes: 5 }]);
  g.node('tail', 'Op', ['present'], [{ name: 'y', bytes: 1 }]);
  g.markOutput('present');
  g.markOutput('y');
  g.state.push({ input: 'past', output: 'present' });
  const graph = g.build();
  for (const method of ['auto', 'segments'] as const) {
    const plan = partition(graph, { targetBytes: 70, margin: NO_MARGIN, method });
    const owner = (v: number) => plan.tasks.findIndex((t) => t.nodes.includes(v));
    assert.equal(owner(0), owner(2), method);
  }
  assert.equal(
    codeOf(() => partition(graph, { targetBytes: 62, margin: NO_MARGIN })),
    'PARTITION_STATE_GROUP_TOO_LARGE',
  );
});

test('a node larger than the budget is an error naming the node and its size', () => {
  const graph = twoBranches();
  assert.throws(
    () => partition(graph, { targetBytes: 100, margin: NO_MARGIN }),
    (err: unknown) =>
      err instanceof SplitUpError &&
      err.code === 'PARTITION_NODE_TOO_LARGE' &&
      err.details?.node === 'split' &&
      err.details.bytes === 154 &&
      err.details.targetBytes === 100 &&
      /'split'.*154 bytes.*100 bytes/.test(err.message),
  );
});

test('bad targets and malformed graphs are typed errors', () => {
  assert.equal(
    codeOf(() => partition(twoBranches(), { targetBytes: 0 })),
    'PARTITION_BAD_TARGET',
  );
  assert.equal(
    codeOf(() => partition(twoBranches(), { targetBytes: Number.NaN })),
    'PARTITION_BAD_TARGET',
  );
  const unknown = twoBranches();
  unknown.nodes[1]!.inputs.push('ghost');
  assert.equal(
    codeOf(() => partition(unknown, { targetBytes: 1e9 })),
    'PARTITION_BAD_GRAPH',
  );
  const unordered = twoBranches();
  [unordered.nodes[0], unordered.nodes[1]] = [unordered.nodes[1]!, unordered.nodes[0]!];
  unordered.nodes[0]!.index = 0;
  unordered.nodes[1]!.index = 1;
  assert.equal(
    codeOf(() => partition(unordered, { targetBytes: 1e9 })),
    'PARTITION_BAD_GRAPH',
  );
  const badState = twoBranches();
  badState.state.push({ input: 'WL1', output: 'y' });
  assert.equal(
    codeOf(() => partition(badState, { targetBytes: 1e9 })),
    'PARTITION_BAD_GRAPH',
  );
});

test("method 'exact' refuses graphs past the ideal cap; 'auto' falls back to segments", () => {
  const graph = transformerGraph({ layers: 3, hidden: 64, seq: 8, vocab: 100 });
  assert.equal(
    codeOf(() => partition(graph, { targetBytes: 1e9, method: 'exact' })),
    'PARTITION_TOO_WIDE',
  );
  assert.equal(partition(graph, { targetBytes: 1e9 }).method, 'segments');
});

test('checkPartition rejects plans that break the contract', () => {
  const graph = twoBranches();
  const t = (...nodes: number[]) => ({ nodes });
  assert.equal(
    codeOf(() => checkPartition(graph, [t(0, 1, 2), t(3, 4)], 1e9, NO_MARGIN)),
    'PARTITION_BAD_PLAN',
  );
  assert.equal(
    codeOf(() => checkPartition(graph, [t(0, 1, 2, 5), t(3, 4)], 1e9, NO_MARGIN)),
    'PARTITION_BAD_PLAN',
  );
  assert.equal(
    codeOf(() => checkPartition(graph, [t(0, 1, 2), t(2, 3, 4, 5)], 1e9, NO_MARGIN)),
    'PARTITION_BAD_PLAN',
  );
  assert.equal(
    codeOf(() => checkPartition(graph, [t(0, 1, 2, 3, 4, 5)], 10, NO_MARGIN)),
    'PARTITION_BAD_PLAN',
  );
  assert.equal(
    codeOf(() => checkPartition(graph, [t(0, 1, 2, 9)], 1e9, NO_MARGIN)),
    'PARTITION_BAD_PLAN',
  );
  checkPartition(graph, [t(0), t(1, 3), t(2, 4), t(5)], 1e9, NO_MARGIN);
});

test('a transformer-shaped graph partitions into valid tasks near the lower bound', () => {
  const graph = transformerGraph({ layers: 12, hidden: 256, seq: 32, vocab: 1000 });
  const margin = { fixedBytes: 1 << 20, fraction: 0.1 };
  const all = graph.nodes.map((n) => n.index);
  const whole = estimateTaskMemory(graph, all, margin).totalBytes;
  const target = Math.ceil(whole / 4);
  const plan = partition(graph, { targetBytes: target, margin });
  checkPartition(graph, plan.tasks, target, margin);
  assert.ok(plan.tasks.length >= 4 && plan.tasks.length <= 6, `${plan.tasks.length} tasks`);
  // KV-cache bindings: each concat writes present from past, so both halves sit in its task.
  assert.equal(graph.state.length, 24);
});

test('the exact method gives up past its work caps instead of running for minutes', () => {
  const graph = twoBranches();
  const ix = indexGraph(graph);
  assert.equal(exactPartition(ix, 215, NO_MARGIN, 4096, 64, 3), 'too-wide');
  assert.equal(exactPartition(ix, 215, NO_MARGIN, 5), 'too-wide');
  assert.equal(exactPartition(ix, 215, NO_MARGIN, 4096, 5), 'too-wide');
  assert.equal((exactPartition(ix, 215, NO_MARGIN) as number[][]).length, 4);
});
