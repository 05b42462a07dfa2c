// The partitioner: splits a PartitionGraph (node/model/partition-graph.ts) into tasks that each
// fit a device-memory target.
//
// Stable entry points
//   partition(graph, { targetBytes, margin?, method?, maxExactIdeals? }): PartitionResult
//     → { tasks: [{ nodes: number[] }], cutBytes, memory: TaskMemory[], method }
//     method 'exact': DP over the ideals of the DAG (ideal-dp.ts), the true optimum; used by
//     'auto' while the graph has ≤ DEFAULT_MAX_EXACT_NODES nodes, ≤ maxExactIdeals ideals and
//     the search stays under MAX_EXACT_EVALUATIONS. Otherwise 'segments': the optimal split of
//     each of three topological orders into contiguous runs (segment-dp.ts), best one kept, then
//     polished by single-node moves (local-search.ts) on graphs ≤ LOCAL_SEARCH_MAX_NODES.
//     Tasks are listed in a dependency-respecting order (every task only reads tensors made by
//     earlier tasks or model inputs); each task's node indices are ascending. Two tasks with no
//     tensor between them are independent and may run in parallel.
//     Objective, lexicographic: (1) fewest tasks with every TaskMemory.totalBytes ≤ targetBytes,
//     (2) fewest cutBytes. Every task is convex (the task graph is acyclic) and the nodes tied by
//     each state binding (readers of the state input, producer of the state output) share a task.
//   estimateTaskMemory(graph, nodeIndices, margin?): TaskMemory
//     → { weightBytes, activationPeakBytes, stateBytes, marginBytes, totalBytes }; rules in memory.ts.
//   partitionCutBytes / taskInputBytes (cut.ts): the cut measure, also usable on hand-made partitions.
//   checkPartition(graph, tasks, targetBytes, margin?) (check-partition.ts): validates any partition.
//
// cutBytes = Σ over tasks T, Σ over distinct non-weight tensors t that T reads but does not make,
// of bytes(t). Model inputs (state inputs included) count once for every task that reads them;
// weights never count (each task holds its own copy); model outputs delivered to the client do
// not count (the same in every partition).
//
// Errors (SplitUpError codes): NODE_TOO_LARGE (details: node, nodeIndex, opType, bytes,
// targetBytes, memory), STATE_GROUP_TOO_LARGE (bindings, bytes, targetBytes),
// PARTITION_INFEASIBLE (segments found no split keeping state groups whole), PARTITION_BAD_TARGET,
// PARTITION_BAD_GRAPH (unknown tensor, nodes out of topological order, bad state binding...),
// PARTITION_TOO_WIDE (method 'exact' only), PARTITION_BAD_PLAN (checkPartition).
//
// Graph contract notes: node reads and writes are taken from PGNode.inputs / outputs (the
// tensors' producer / consumers fields are not trusted); '' entries (omitted optional inputs)
// are skipped; every name must be in graph.tensors.

export { checkPartition } from './check-partition.js';
export { partitionCutBytes, taskInputBytes } from './cut.js';
export { DEFAULT_MAX_EXACT_IDEALS, DEFAULT_MAX_EXACT_NODES, MAX_EXACT_EVALUATIONS } from './ideal-dp.js';
export { LOCAL_SEARCH_MAX_NODES, LOCAL_SEARCH_MAX_WORK } from './local-search.js';
export {
  estimateTaskMemory,
  NO_MARGIN,
  RUNTIME_MARGIN,
  type RuntimeMargin,
  type TaskMemory,
} from './memory.js';
export { type PartitionOptions, type PartitionResult, partition } from './partition.js';
