import assert from 'node:assert/strict';
import { test } from 'node:test';
import { indexGraph } from '../../../../node/model/partition/graph-index.js';
import {
  checkPartition,
  estimateTaskMemory,
  partitionCutBytes,
} from '../../../../node/model/partition/index.js';
import { polishPartition } from '../../../../node/model/partition/local-search.js';
import { identityOrder } from '../../../../node/model/partition/orders.js';
import { segmentOrder } from '../../../../node/model/partition/segment-dp.js';
import { randomDag, seededRandom } from '../../../../node/model/partition/synthetic.js';

test('polishing keeps plans valid and never makes them worse; it often helps on wide DAGs', () => {
  let helped = 0;
  for (let seed = 500; seed < 560; seed++) {
    const rand = seededRandom(seed);
    const graph = randomDag(rand, {
      nodes: 40,
      extraEdge: 0.3,
      modelInputRead: 0.3,
      weights: 8,
      stateBindings: seed % 3,
      maxBytes: 1000,
    });
    const ix = indexGraph(graph);
    const margin = { fixedBytes: 10, fraction: 0.05 };
    const budget = Math.ceil(
      estimateTaskMemory(graph, identityOrder(ix), margin).totalBytes / (2 + rand() * 4),
    );
    const seg = segmentOrder(ix, identityOrder(ix), budget, margin);
    if (!seg) continue;
    const before = seg.bounds.slice(1).map((end, j) => identityOrder(ix).slice(seg.bounds[j], end));
    const after = polishPartition(ix, before, budget, margin);
    const plan = after.map((nodes) => ({ nodes }));
    checkPartition(graph, plan, budget, margin);
    const cutBefore = partitionCutBytes(
      graph,
      before.map((nodes) => ({ nodes })),
    );
    const cutAfter = partitionCutBytes(graph, plan);
    assert.ok(
      after.length < before.length || (after.length === before.length && cutAfter <= cutBefore),
      `seed ${seed}`,
    );
    if (after.length < before.length || cutAfter < cutBefore) helped++;
  }
  assert.ok(helped > 10, `helped only ${helped}`);
});
