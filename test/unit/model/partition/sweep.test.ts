// The incremental sweep must agree exactly with the from-scratch estimate on every contiguous
// segment of the graph's order, or the segment method would accept tasks that do not fit.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { indexGraph } from '../../../../node/model/partition/graph-index.js';
import { estimateTaskMemory, taskInputBytes } from '../../../../node/model/partition/index.js';
import { identityOrder } from '../../../../node/model/partition/orders.js';
import { greedySegments, segmentOrder } from '../../../../node/model/partition/segment-dp.js';
import { makeSweeper } from '../../../../node/model/partition/sweep.js';
import { randomDag, seededRandom, transformerGraph } from '../../../../node/model/partition/synthetic.js';

test('sweep totals and cuts equal estimateTaskMemory on every segment of 60 random DAGs', () => {
  for (let seed = 1; seed <= 60; seed++) {
    const rand = seededRandom(seed);
    const graph = randomDag(rand, {
      nodes: 25,
      extraEdge: 0.5,
      modelInputRead: 0.3,
      weights: 6,
      stateBindings: 2,
      maxBytes: 1000,
    });
    const margin = { fixedBytes: 7, fraction: 0.13 };
    const ix = indexGraph(graph);
    const { sweep } = makeSweeper(ix, identityOrder(ix), margin);
    for (let start = 0; start < ix.nodeCount; start++) {
      let ends = 0;
      sweep(start, Number.POSITIVE_INFINITY, (end, cut, total) => {
        const nodes = Array.from({ length: end - start }, (_, k) => start + k);
        assert.equal(
          total,
          estimateTaskMemory(graph, nodes, margin).totalBytes,
          `seed ${seed} [${start},${end})`,
        );
        assert.equal(cut, taskInputBytes(graph, nodes), `seed ${seed} [${start},${end}) cut`);
        ends++;
      });
      assert.equal(ends, ix.nodeCount - start);
    }
  }
});

test('greedy first-fit never needs fewer tasks than the segment DP on the same order', () => {
  const graph = transformerGraph({ layers: 20, hidden: 128, seq: 16, vocab: 500 });
  const ix = indexGraph(graph);
  const margin = { fixedBytes: 0, fraction: 0 };
  const whole = estimateTaskMemory(graph, identityOrder(ix), margin).totalBytes;
  for (const parts of [2, 3, 5, 8]) {
    const budget = Math.ceil(whole / parts);
    const dp = segmentOrder(ix, identityOrder(ix), budget, margin)!;
    const greedy = greedySegments(ix, identityOrder(ix), budget, margin)!;
    assert.ok(greedy.tasks >= dp.tasks);
    if (greedy.tasks === dp.tasks) assert.ok(greedy.cutBytes >= dp.cutBytes);
  }
});
