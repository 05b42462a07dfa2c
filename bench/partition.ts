// Partition benchmark: a synthetic transformer-shaped graph of ≥ 10,000 nodes, split for several
// device-memory targets. Prints partition time, tasks, the lower bound LB = ⌈Σ weight bytes /
// target⌉ (and LBm, the same bound once the per-task margin is taken off: ⌈W·(1+fraction) /
// (target − fixed)⌉), against baselines measured in the same run: greedy first-fit over the
// graph's order (each task takes the longest run that fits, same incremental memory sweep), and
// the exhaustive (start, end) pair DP over the same order (timed once: it is slow).
// Usage: node --import tsx bench/partition.ts [layers]
import { indexGraph, TENSOR_WEIGHT } from '../node/model/partition/graph-index.js';
import { partition, RUNTIME_MARGIN } from '../node/model/partition/index.js';
import { identityOrder } from '../node/model/partition/orders.js';
import { greedySegments, segmentOrderExhaustive } from '../node/model/partition/segment-dp.js';
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

const pad = (v: string | number, width: number) => String(v).padStart(width);

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
  'target MiB | partition ms | tasks | LB | LBm | tasks/LB | cut MiB || greedy ms | tasks | cut MiB || pair-DP ms | tasks || ms vs greedy | ms vs pair-DP',
);
for (const target of TARGETS) {
  const ours = minTime(() => partition(graph, { targetBytes: target }));
  const greedy = minTime(() => greedySegments(ix, identityOrder(ix), target, RUNTIME_MARGIN)!);
  const t0 = performance.now();
  const pairs = segmentOrderExhaustive(ix, identityOrder(ix), target, RUNTIME_MARGIN)!;
  const pairsMs = performance.now() - t0;
  const lb = Math.ceil(weightBytes / target);
  const lbm = Math.ceil((weightBytes * (1 + RUNTIME_MARGIN.fraction)) / (target - RUNTIME_MARGIN.fixedBytes));
  const tasks = ours.result.tasks.length;
  const row = [
    pad((target / MIB).toFixed(0), 10),
    pad(ours.ms.toFixed(0), 12),
    pad(tasks, 5),
    pad(lb, 2),
    pad(lbm, 3),
    pad((tasks / lb).toFixed(3), 8),
    pad((ours.result.cutBytes / MIB).toFixed(1), 7),
    `| ${pad(greedy.ms.toFixed(0), 9)}`,
    pad(greedy.result.tasks, 5),
    pad((greedy.result.cutBytes / MIB).toFixed(1), 7),
    `| ${pad(pairsMs.toFixed(0), 10)}`,
    pad(pairs.tasks, 5),
    `| ${pad((ours.ms / greedy.ms).toFixed(1), 12)}`,
    pad((ours.ms / pairsMs).toFixed(3), 13),
  ];
  console.log(row.join(' | '));
}
