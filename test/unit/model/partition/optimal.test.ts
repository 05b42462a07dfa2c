// Property tests: on many small random DAGs (fixed seeds) the partitioner finds exactly the optimum
// an exhaustive search over all set partitions finds; the segment method is always valid and never
// better than that optimum (it would mean the brute force or the estimate is wrong).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isCodedError } from '../../../../node/errors.js';
import {
  checkPartition,
  estimateTaskMemory,
  NO_MARGIN,
  partition,
  type RuntimeMargin,
} from '../../../../node/model/partition/index.js';
import { GraphBuilder, randomDag, seededRandom } from '../../../../node/model/partition/synthetic.js';
import type { PartitionGraph } from '../../../../node/model/partition-graph.js';
import { bruteForce } from './brute-force.js';

const SMALL_MARGIN: RuntimeMargin = { fixedBytes: 3, fraction: 0.05 };

function targetBetween(graph: PartitionGraph, rand: () => number, margin: RuntimeMargin): number {
  const all = [...graph.nodes.keys()];
  const solo = Math.max(...all.map((v) => estimateTaskMemory(graph, [v], margin).totalBytes));
  const whole = estimateTaskMemory(graph, all, margin).totalBytes;
  return Math.round(solo + rand() * rand() * (whole - solo));
}

function randomCase(seed: number, nodes: number) {
  const rand = seededRandom(seed);
  const graph = randomDag(rand, {
    nodes,
    extraEdge: rand() * 0.6,
    modelInputRead: rand() * 0.4,
    weights: Math.floor(rand() * 5),
    stateBindings: rand() < 0.3 ? 1 + Math.floor(rand() * 2) : 0,
    maxBytes: 100,
  });
  const margin = rand() < 0.5 ? NO_MARGIN : SMALL_MARGIN;
  return { graph, margin, target: targetBetween(graph, rand, margin) };
}

/** Runs partition, mapping an infeasibility error to null like the brute force does. */
function tryPartition(
  graph: PartitionGraph,
  target: number,
  margin: RuntimeMargin,
  method: 'auto' | 'segments',
) {
  try {
    return partition(graph, { targetBytes: target, margin, method });
  } catch (err) {
    if (isCodedError(err, 'PARTITION_INFEASIBLE') || isCodedError(err, 'PARTITION_STATE_GROUP_TOO_LARGE'))
      return null;
    throw err;
  }
}

test('exact partition equals brute force on 300 random DAGs of 3–9 nodes', () => {
  let compared = 0;
  let multiTask = 0;
  for (let seed = 1; seed <= 300; seed++) {
    const nodes = 3 + (seed % 7);
    const { graph, margin, target } = randomCase(seed, nodes);
    const brute = bruteForce(graph, target, margin);
    const got = tryPartition(graph, target, margin, 'auto');
    if (brute === null) {
      assert.equal(got, null, `seed ${seed}: brute force finds no partition but partition() returned one`);
      continue;
    }
    assert.ok(got, `seed ${seed}: partition() found nothing, brute force found ${brute.tasks} tasks`);
    assert.equal(got.method, 'exact');
    assert.deepEqual(
      [got.tasks.length, got.cutBytes],
      [brute.tasks, brute.cutBytes],
      `seed ${seed}: got ${JSON.stringify(got.tasks)}, brute force ${JSON.stringify(brute.blocks)}`,
    );
    checkPartition(graph, got.tasks, target, margin);
    compared++;
    if (brute.tasks > 1) multiTask++;
  }
  assert.ok(compared > 200, `only ${compared} feasible cases`);
  assert.ok(multiTask > 150, `only ${multiTask} cases needed more than one task`);
});

test('segment method gives valid plans never better than the optimum', () => {
  let equal = 0;
  let cases = 0;
  for (let seed = 1001; seed <= 1200; seed++) {
    const { graph, margin, target } = randomCase(seed, 3 + (seed % 7));
    const brute = bruteForce(graph, target, margin);
    const seg = tryPartition(graph, target, margin, 'segments');
    if (brute === null || seg === null) continue;
    cases++;
    checkPartition(graph, seg.tasks, target, margin);
    const worse =
      seg.tasks.length > brute.tasks || (seg.tasks.length === brute.tasks && seg.cutBytes >= brute.cutBytes);
    assert.ok(worse, `seed ${seed}: segments beat brute force`);
    if (seg.tasks.length === brute.tasks && seg.cutBytes === brute.cutBytes) equal++;
  }
  assert.ok(cases > 150);
  // Not a correctness bound, a regression guard on quality: most small cases are already optimal.
  assert.ok(equal / cases > 0.5, `segments optimal in only ${equal}/${cases} cases`);
});

test('on chains the segment method is exact', () => {
  for (let seed = 2001; seed <= 2080; seed++) {
    const rand = seededRandom(seed);
    const size = () => 1 + Math.floor(rand() * 100);
    const g = new GraphBuilder();
    const weights = ['w0', 'w1', 'w2'].map((w) => g.tensor(w, 'weight', size()));
    let x = g.tensor('in', 'model-input', size());
    const nodes = 4 + (seed % 6);
    for (let v = 0; v < nodes; v++) {
      const reads = [x, ...weights.filter(() => rand() < 0.4)];
      if (v > 0 && rand() < 0.2) reads.push('in');
      x = g.node(`n${v}`, 'Op', reads, [{ name: `t${v}`, bytes: size() }])[0]!;
    }
    g.markOutput(x);
    const graph = g.build();
    const target = targetBetween(graph, rand, NO_MARGIN);
    const brute = bruteForce(graph, target, NO_MARGIN)!;
    const seg = partition(graph, { targetBytes: target, margin: NO_MARGIN, method: 'segments' });
    assert.deepEqual([seg.tasks.length, seg.cutBytes], [brute.tasks, brute.cutBytes], `seed ${seed}`);
  }
});
