// Chooses the partition: the fewest tasks that each fit the target, then the fewest cut bytes.
// Exact (DP over ideals) when the graph's ideal lattice is small, otherwise the best contiguous
// segmentation over three topological orders (the graph's own, branch-first, sink-first),
// polished by single-node moves on graphs up to LOCAL_SEARCH_MAX_NODES nodes.
import { SplitUpError } from '../../errors.js';
import type { Partition, PartitionGraph } from '../partition-graph.js';
import { PartitionErrorCode } from './errors.js';
import { type IndexedGraph, indexGraph } from './graph-index.js';
import { DEFAULT_MAX_EXACT_IDEALS, exactPartition } from './ideal-dp.js';
import { LOCAL_SEARCH_MAX_NODES, polishPartition } from './local-search.js';
import { estimateIndexed, RUNTIME_MARGIN, type RuntimeMargin, type TaskMemory } from './memory.js';
import { branchFirstOrder, identityOrder, sameOrder, sinkFirstOrder } from './orders.js';
import { type Segmentation, segmentOrder } from './segment-dp.js';
import { makeSweeper } from './sweep.js';

export interface PartitionOptions {
  /** Device memory each task must fit in, bytes (compared with TaskMemory.totalBytes). */
  targetBytes: number;
  /** Runtime margin added to every task's estimate (default RUNTIME_MARGIN). */
  margin?: Readonly<RuntimeMargin>;
  /**
   * 'exact': DP over ideals, fails with PARTITION_TOO_WIDE above maxExactIdeals.
   * 'segments': best contiguous segmentation of candidate topological orders.
   * 'auto' (default): exact when the ideal count stays under maxExactIdeals, else segments.
   */
  method?: 'auto' | 'exact' | 'segments';
  /** Cap on the number of ideals the exact method enumerates (default DEFAULT_MAX_EXACT_IDEALS). */
  maxExactIdeals?: number;
}

export interface PartitionResult extends Partition {
  /** Memory estimate of each task, same order as `tasks`. */
  memory: TaskMemory[];
  /** Which method produced the partition. */
  method: 'exact' | 'segments';
}

function checkTarget(targetBytes: number): void {
  if (!(targetBytes > 0) || !Number.isFinite(targetBytes)) {
    throw new SplitUpError(
      PartitionErrorCode.BAD_TARGET,
      `target memory must be a positive number of bytes, got ${targetBytes}`,
      {
        targetBytes,
      },
    );
  }
}

/** Throws NODE_TOO_LARGE for the first node that alone exceeds the target. */
function checkSingleNodes(ix: IndexedGraph, targetBytes: number, margin: Readonly<RuntimeMargin>): void {
  const { sweep } = makeSweeper(ix, identityOrder(ix), margin);
  for (let v = 0; v < ix.nodeCount; v++) {
    let fits = false;
    sweep(
      v,
      targetBytes,
      () => {
        fits = true;
      },
      v + 1,
    );
    if (fits) continue;
    const { inputBytes: _, ...mem } = estimateIndexed(ix, [v], margin);
    const node = ix.graph.nodes[v]!;
    const minTargetBytes = smallestSingleNodeTarget(ix, margin);
    const own = mem.totalBytes - mem.marginBytes;
    throw new SplitUpError(
      PartitionErrorCode.NODE_TOO_LARGE,
      `node '${node.name}' (${node.opType}) needs ${mib(own)} of its own (weights ${mib(mem.weightBytes)}, ` +
        `activations ${mib(mem.activationPeakBytes)}, state ${mib(mem.stateBytes)}) plus the runtime margin of ` +
        `${mib(mem.marginBytes)} (${mib(margin.fixedBytes)} fixed + ${margin.fraction * 100} %), ` +
        `${mib(mem.totalBytes)} in all, over the target of ${mib(targetBytes)}; the smallest target every node ` +
        `fits in is ${mib(minTargetBytes, 'up')} (deploy --runtime-margin sets the fixed part of the margin)`,
      {
        node: node.name,
        nodeIndex: v,
        opType: node.opType,
        bytes: mem.totalBytes,
        ownBytes: own,
        marginBytes: mem.marginBytes,
        minTargetBytes,
        targetBytes,
        memory: { ...mem },
      },
    );
  }
}

/** The largest single-node estimate: no target below it can be met. */
function smallestSingleNodeTarget(ix: IndexedGraph, margin: Readonly<RuntimeMargin>): number {
  let most = 0;
  for (let v = 0; v < ix.nodeCount; v++) most = Math.max(most, estimateIndexed(ix, [v], margin).totalBytes);
  return most;
}

const MIB = 2 ** 20;
/** Below this a size reads better in bytes than as 0.00 MiB. */
const SMALL_SIZE_BYTES = MIB / 100;

/** Bytes as MiB with two decimals ('up' rounds up, for a bound that must hold once rounded); tiny sizes in bytes. */
function mib(bytes: number, round: 'near' | 'up' = 'near'): string {
  if (bytes < SMALL_SIZE_BYTES) return `${bytes} bytes`;
  const hundredths = round === 'up' ? Math.ceil((bytes / MIB) * 100) : Math.round((bytes / MIB) * 100);
  return `${(hundredths / 100).toFixed(2)} MiB`;
}

function infeasible(ix: IndexedGraph, targetBytes: number, margin: Readonly<RuntimeMargin>): SplitUpError {
  for (const g of ix.stateGroups) {
    const mem = estimateIndexed(ix, g.nodes, margin);
    if (mem.totalBytes > targetBytes) {
      const names = g.bindings.map((b) => `${b.input}→${b.output}`).join(', ');
      return new SplitUpError(
        PartitionErrorCode.STATE_GROUP_TOO_LARGE,
        `state binding(s) ${names} must stay in one task, whose nodes need ${mem.totalBytes} bytes, more than the target of ${targetBytes} bytes`,
        { bindings: g.bindings, bytes: mem.totalBytes, targetBytes },
      );
    }
  }
  return new SplitUpError(
    PartitionErrorCode.INFEASIBLE,
    `no partition fits the target of ${targetBytes} bytes while keeping each state binding in one task`,
    { targetBytes },
  );
}

function fromSegmentation(order: readonly number[], seg: Segmentation): number[][] {
  const tasks: number[][] = [];
  for (let j = 0; j + 1 < seg.bounds.length; j++) {
    tasks.push(order.slice(seg.bounds[j], seg.bounds[j + 1]).sort((a, b) => a - b));
  }
  return tasks;
}

function better(
  a: { tasks: number; cutBytes: number },
  b: { tasks: number; cutBytes: number } | null,
): boolean {
  return b === null || a.tasks < b.tasks || (a.tasks === b.tasks && a.cutBytes < b.cutBytes);
}

/**
 * Best segmentation over the candidate orders. The memory estimate runs a task's nodes in
 * ascending index, which is what the sweep assumes only for the identity order; a partition from
 * another order is re-checked with the exact estimate and dropped if a task does not fit.
 */
function segmentsPartition(
  ix: IndexedGraph,
  targetBytes: number,
  margin: Readonly<RuntimeMargin>,
): number[][] | null {
  const identity = identityOrder(ix);
  const orders = [identity];
  const dfs = branchFirstOrder(ix);
  if (!sameOrder(dfs, identity)) orders.push(dfs);
  const sinks = sinkFirstOrder(ix);
  if (!orders.some((o) => sameOrder(o, sinks))) orders.push(sinks);
  let best: { tasks: number[][]; seg: Segmentation } | null = null;
  for (const order of orders) {
    const seg = segmentOrder(ix, order, targetBytes, margin);
    if (!seg || !better(seg, best?.seg ?? null)) continue;
    const tasks = fromSegmentation(order, seg);
    if (order !== identity && tasks.some((t) => estimateIndexed(ix, t, margin).totalBytes > targetBytes))
      continue;
    best = { tasks, seg };
  }
  if (!best) return null;
  return ix.nodeCount <= LOCAL_SEARCH_MAX_NODES
    ? polishPartition(ix, best.tasks, targetBytes, margin)
    : best.tasks;
}

/**
 * Partitions `graph` into tasks that each fit `targetBytes`. Throws NODE_TOO_LARGE when one node
 * alone does not fit, STATE_GROUP_TOO_LARGE / PARTITION_INFEASIBLE when state bindings cannot be
 * kept together, PARTITION_BAD_TARGET / PARTITION_BAD_GRAPH on bad input.
 */
export function partition(graph: PartitionGraph, options: PartitionOptions): PartitionResult {
  const margin = options.margin ?? RUNTIME_MARGIN;
  const method = options.method ?? 'auto';
  checkTarget(options.targetBytes);
  const ix = indexGraph(graph);
  if (ix.nodeCount === 0) return { tasks: [], cutBytes: 0, memory: [], method: 'exact' };
  checkSingleNodes(ix, options.targetBytes, margin);
  let tasks: number[][] | null = null;
  let used: PartitionResult['method'] = 'segments';
  if (method !== 'segments') {
    const cap = options.maxExactIdeals ?? DEFAULT_MAX_EXACT_IDEALS;
    const exact = exactPartition(ix, options.targetBytes, margin, cap);
    if (exact === 'too-wide') {
      if (method === 'exact') {
        throw new SplitUpError(
          PartitionErrorCode.TOO_WIDE,
          `the graph has more than ${cap} ideals; the exact method is out of reach`,
          {
            maxExactIdeals: cap,
          },
        );
      }
    } else {
      tasks = exact;
      used = 'exact';
      if (tasks === null) throw infeasible(ix, options.targetBytes, margin);
    }
  }
  if (used === 'segments') {
    tasks = segmentsPartition(ix, options.targetBytes, margin);
    if (tasks === null) throw infeasible(ix, options.targetBytes, margin);
  }
  const final = tasks!;
  const memory: TaskMemory[] = [];
  let cutBytes = 0;
  for (const t of final) {
    const { inputBytes, ...mem } = estimateIndexed(ix, t, margin);
    memory.push(mem);
    cutBytes += inputBytes;
  }
  return { tasks: final.map((nodes) => ({ nodes })), cutBytes, memory, method: used };
}
