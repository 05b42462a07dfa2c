import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  estimateTaskMemory,
  NO_MARGIN,
  RUNTIME_MARGIN,
  taskInputBytes,
} from '../../../../node/model/partition/index.js';
import { GraphBuilder } from '../../../../node/model/partition/synthetic.js';

// in(10) → a[W1=100] → ta(20) → b[W1, W2=50] → tb(30) → c → tc(5, model output)
//                         └───────────────────────────→ c   (ta also read by c)
function chain() {
  const g = new GraphBuilder();
  g.tensor('in', 'model-input', 10);
  g.tensor('W1', 'weight', 100);
  g.tensor('W2', 'weight', 50);
  g.node('a', 'MatMul', ['in', 'W1'], [{ name: 'ta', bytes: 20 }]);
  g.node('b', 'MatMul', ['ta', 'W1', 'W2'], [{ name: 'tb', bytes: 30 }]);
  g.node('c', 'Add', ['tb', 'ta'], [{ name: 'tc', bytes: 5 }]);
  g.markOutput('tc');
  return g.build();
}

test('whole chain: distinct weights once, activations freed after their last consumer', () => {
  const m = estimateTaskMemory(chain(), [0, 1, 2], NO_MARGIN);
  // live: a: in+ta=30; b: in+ta+tb=60; c: in+ta+tb+tc=65 (ta's last consumer is c)
  assert.deepEqual(m, {
    weightBytes: 150,
    activationPeakBytes: 65,
    stateBytes: 0,
    marginBytes: 0,
    totalBytes: 215,
  });
});

test('a task output lives to the end; a weight shared by two tasks counts in both', () => {
  const g = chain();
  // Task {a}: ta is read by b and c outside → output; in is a feed.
  assert.equal(estimateTaskMemory(g, [0], NO_MARGIN).activationPeakBytes, 30);
  assert.equal(estimateTaskMemory(g, [0], NO_MARGIN).weightBytes, 100);
  // Task {b, c}: feeds ta (20) for the whole task; b: ta+tb = 50; c: ta+tb+tc = 55.
  const bc = estimateTaskMemory(g, [2, 1], NO_MARGIN); // order of the argument does not matter
  assert.deepEqual([bc.weightBytes, bc.activationPeakBytes], [150, 55]);
  assert.equal(taskInputBytes(g, [1, 2]), 20);
  assert.equal(taskInputBytes(g, [0]), 10);
});

test('a tensor freed early leaves room: peak is a maximum over steps, not a sum', () => {
  const g = new GraphBuilder();
  g.tensor('x', 'model-input', 1);
  g.node('big', 'Op', ['x'], [{ name: 'big', bytes: 100 }]);
  g.node('shrink', 'Op', ['big'], [{ name: 's', bytes: 1 }]);
  g.node('grow', 'Op', ['s'], [{ name: 'big2', bytes: 100 }]);
  g.node('out', 'Op', ['big2'], [{ name: 'y', bytes: 1 }]);
  g.markOutput('y');
  // steps: 1+100, 1+100+1, 1+1+100, 1+100+1 → peak 102 (the two bigs never coexist)
  assert.equal(estimateTaskMemory(g.build(), [0, 1, 2, 3], NO_MARGIN).activationPeakBytes, 102);
});

test('state tensors are counted apart, resident for the whole task', () => {
  const g = new GraphBuilder();
  g.tensor('x', 'model-input', 4);
  g.tensor('past', 'model-input', 40);
  g.node('concat', 'Concat', ['past', 'x'], [{ name: 'present', bytes: 44 }]);
  g.node('use', 'Op', ['present'], [{ name: 'y', bytes: 4 }]);
  g.markOutput('present');
  g.markOutput('y');
  g.state.push({ input: 'past', output: 'present' });
  const graph = g.build();
  const m = estimateTaskMemory(graph, [0, 1], NO_MARGIN);
  assert.deepEqual([m.stateBytes, m.activationPeakBytes], [84, 8]);
  // In a task that only reads the state output, it is an ordinary feed.
  assert.deepEqual(
    [
      estimateTaskMemory(graph, [1], NO_MARGIN).stateBytes,
      estimateTaskMemory(graph, [1], NO_MARGIN).activationPeakBytes,
    ],
    [0, 48],
  );
});

test('the runtime margin is a fixed part plus a rounded-up fraction', () => {
  const m = estimateTaskMemory(chain(), [0, 1, 2], { fixedBytes: 1000, fraction: 0.01 });
  assert.equal(m.marginBytes, 1000 + Math.ceil(2.15));
  assert.equal(m.totalBytes, 215 + 1003);
  const d = estimateTaskMemory(chain(), [0, 1, 2]);
  assert.equal(d.marginBytes, RUNTIME_MARGIN.fixedBytes + Math.ceil(RUNTIME_MARGIN.fraction * 215));
});

test('an out-of-range node index is rejected', () => {
  assert.throws(() => estimateTaskMemory(chain(), [3]), RangeError);
});
