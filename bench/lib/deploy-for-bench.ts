// Deploys a model through the library (the same code path as `splitup deploy`) and keeps what a
// bench needs besides the bundle: the partition graph and how long partitioning took.
import { deployModel } from '../../node/model/bundle/deploy-model.js';
import { estimateTaskMemory, partition } from '../../node/model/partition/index.js';
import type { PartitionGraph } from '../../node/model/partition-graph.js';
import type { BundleManifest } from '../../storage/bundle/manifest.js';

export interface BenchDeploy {
  manifest: BundleManifest;
  outDir: string;
  graph: PartitionGraph;
  /** Wall-clock ms of the partition() call inside the deploy. */
  partitionMs: number;
  /** Wall-clock ms of the whole deploy. */
  deployMs: number;
}

export async function deployForBench(
  modelPath: string,
  outDir: string,
  targetVramBytes: number,
  shapes: string[],
  progress?: (line: string) => void,
): Promise<BenchDeploy> {
  let graph: PartitionGraph | undefined;
  let partitionMs = 0;
  const started = performance.now();
  const result = await deployModel({
    modelPath,
    outDir,
    targetVramBytes,
    shapes,
    overwrite: true,
    partition: (g, target) => {
      graph = g;
      const t = performance.now();
      const plan = partition(g, { targetBytes: target });
      partitionMs = performance.now() - t;
      return plan;
    },
    estimate: (g, nodes) => estimateTaskMemory(g, nodes),
    progress: (line) => progress?.(`${line} (${((performance.now() - started) / 1000).toFixed(1)} s)`),
  });
  return {
    manifest: result.manifest,
    outDir: result.outDir,
    graph: graph!,
    partitionMs,
    deployMs: performance.now() - started,
  };
}

/** Sum of the bytes of every weight in the graph: no partition can hold less in total. */
export function totalWeightBytes(graph: PartitionGraph): number {
  let bytes = 0;
  for (const t of graph.tensors.values()) if (t.kind === 'weight') bytes += t.bytes;
  return bytes;
}
