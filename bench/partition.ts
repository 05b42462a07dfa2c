// Partition benchmark: a synthetic transformer-shaped graph of ≥ 10,000 nodes, split for several
// device-memory targets. Prints partition time, tasks, the lower bound ⌈Σ weight bytes / target⌉
// and the ratio, against a baseline measured in the same run: greedy first-fit over the graph's
// order (each task takes the longest run that fits), with the same incremental memory sweep.
// Usage: node --import tsx bench/partition.ts [layers]
import { indexGraph, TENSOR_WEIGHT } from '../node/model/partition/graph-index.js';
import { partition, RUNTIME_MARGIN } from '../node/model/partition/index.js';
import { identityOrder } from '../node/model/partition/orders.js';
import { greedySegments } from '../node/model/partition/segment-dp.js';
import { TRANSFORMER_NODES_PER_LAYER, transformerGraph } from '../node/model/partition/synthetic.js';

const MIB = 1024 * 1024;
/** Targets to split for (bytes): a small, a mid-size and a large consumer GPU budget. */
const TARGETS = [512 * MIB, 2048 * MIB, 8192 * MIB];
/** Timed repetitions per measurement; the minimum is reported (the machine is shared). */
const REPEATS = 3;
const DEFAULT_LAYERS = 400;

function minTime<T>(fn: () => T): { ms: number; result: T } {
  let best = Number.POSITIVE_INFINITY;
  let result: T | undefined;
  for (let r = 0; r < REPEATS; r++) {
    const t0 = performance.now();
    result = fn();
    best = Math.min(best, performance.now() - t0);
  }
  return { ms: best, result: result as T };
}

const layers = Number(process.argv[2] ?? DEFAULT_LAYERS);
const tBuild = performance.now();
const graph = transformerGraph({ layers });
const buildMs = performance.now() - tBuild;
const ix = indexGraph(graph);
let weightBytes = 0;
for (let t = 0; t < ix.tensorNames.length; t++)
  if (ix.tensorKind[t] === TENSOR_WEIGHT) weightBytes += ix.tensorBytes[t]!;

console.log(
  `partition bench — synthetic decoder, ${layers} layers × ${TRANSFORMER_NODES_PER_LAYER} nodes + 3`,
);
console.log(
  `nodes ${graph.nodes.length}, tensors ${graph.tensors.size}, state bindings ${graph.state.length}`,
);
console.log(`weights ${(weightBytes / MIB).toFixed(0)} MiB, graph built in ${buildMs.toFixed(0)} ms`);
console.log(`margin per task: ${RUNTIME_MARGIN.fixedBytes / MIB} MiB + ${RUNTIME_MARGIN.fraction * 100} %\n`);
console.log(
  'target MiB | partition ms | tasks | lower bound | tasks/LB | cut MiB || greedy ms | greedy tasks | greedy cut MiB || time ratio | task ratio',
);
for (const target of TARGETS) {
  const ours = minTime(() => partition(graph, { targetBytes: target }));
  const greedy = minTime(() => greedySegments(ix, identityOrder(ix), target, RUNTIME_MARGIN)!);
  const lowerBound = Math.ceil(weightBytes / target);
  const tasks = ours.result.tasks.length;
  console.log(
    [
      (target / MIB).toFixed(0).padStart(10),
      ours.ms.toFixed(0).padStart(12),
      String(tasks).padStart(5),
      String(lowerBound).padStart(11),
      (tasks / lowerBound).toFixed(3).padStart(8),
      (ours.result.cutBytes / MIB).toFixed(1).padStart(7),
      `| ${greedy.ms.toFixed(0).padStart(9)}`,
      String(greedy.result.tasks).padStart(12),
      (greedy.result.cutBytes / MIB).toFixed(1).padStart(14),
      `| ${(ours.ms / greedy.ms).toFixed(2).padStart(10)}`,
      (tasks / greedy.result.tasks).toFixed(3).padStart(10),
    ].join(' | '),
  );
}
