// Hand-made plans for extraction tests (the real partitioner is tested in its own folder).
import type { Partition, PartitionGraph } from '../../../node/model/partition-graph.js';

/** Splits the node list into `n` contiguous runs (valid for any topologically ordered graph). */
export function contiguousPartition(graph: PartitionGraph, n: number): Partition {
  const size = Math.ceil(graph.nodes.length / n);
  const tasks = [];
  for (let i = 0; i < graph.nodes.length; i += size)
    tasks.push({ nodes: graph.nodes.slice(i, i + size).map((x) => x.index) });
  return { tasks, cutBytes: 0 };
}

/** A memory estimate that only counts nodes, for tests that are not about memory. */
export function countingEstimate(_graph: PartitionGraph, nodes: readonly number[]): { totalBytes: number } {
  return { totalBytes: nodes.length };
}
