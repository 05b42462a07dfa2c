// Reference optimum by exhaustive search: every set partition of the nodes (restricted growth
// strings), kept when the task graph is acyclic, state groups are whole and every task fits;
// best by (tasks, cutBytes). Only for graphs of up to ~10 nodes.
import { indexGraph } from '../../../../node/model/partition/graph-index.js';
import {
  estimateTaskMemory,
  type RuntimeMargin,
  taskInputBytes,
} from '../../../../node/model/partition/index.js';
import type { PartitionGraph } from '../../../../node/model/partition-graph.js';

export interface BruteResult {
  tasks: number;
  cutBytes: number;
  blocks: number[][];
}

export function bruteForce(
  graph: PartitionGraph,
  targetBytes: number,
  margin: RuntimeMargin,
): BruteResult | null {
  const ix = indexGraph(graph);
  const n = ix.nodeCount;
  if (n > 12) throw new Error('brute force is for tiny graphs');
  const memo = new Map<number, { fits: boolean; cut: number }>();
  const blockInfo = (mask: number) => {
    let hit = memo.get(mask);
    if (!hit) {
      const nodes = [...Array(n).keys()].filter((v) => (mask >> v) & 1);
      hit = {
        fits: estimateTaskMemory(graph, nodes, margin).totalBytes <= targetBytes,
        cut: taskInputBytes(graph, nodes),
      };
      memo.set(mask, hit);
    }
    return hit;
  };
  const label = new Array<number>(n).fill(0);
  let best: BruteResult | null = null;
  const acyclic = (k: number): boolean => {
    const indeg = new Array<number>(k).fill(0);
    const edges = new Set<string>();
    for (let v = 0; v < n; v++) {
      for (const u of ix.preds[v]!) {
        const a = label[u]!;
        const b = label[v]!;
        if (a !== b && !edges.has(`${a}>${b}`)) {
          edges.add(`${a}>${b}`);
          indeg[b]!++;
        }
      }
    }
    const ready = indeg.flatMap((d, j) => (d === 0 ? [j] : []));
    let seen = 0;
    while (ready.length > 0) {
      const a = ready.pop()!;
      seen++;
      for (let b = 0; b < k; b++) if (edges.has(`${a}>${b}`) && --indeg[b]! === 0) ready.push(b);
    }
    return seen === k;
  };
  const evaluate = (k: number) => {
    if (best && k > best.tasks) return;
    const masks = new Array<number>(k).fill(0);
    for (let v = 0; v < n; v++) masks[label[v]!]! |= 1 << v;
    for (const g of ix.stateGroups) if (g.nodes.some((v) => label[v] !== label[g.nodes[0]!])) return;
    let cut = 0;
    for (const m of masks) {
      const info = blockInfo(m);
      if (!info.fits) return;
      cut += info.cut;
    }
    if (best && (k > best.tasks || (k === best.tasks && cut >= best.cutBytes))) return;
    if (!acyclic(k)) return;
    best = {
      tasks: k,
      cutBytes: cut,
      blocks: masks.map((m) => [...Array(n).keys()].filter((v) => (m >> v) & 1)),
    };
  };
  const rec = (v: number, k: number) => {
    if (v === n) {
      evaluate(k);
      return;
    }
    for (let j = 0; j <= k; j++) {
      label[v] = j;
      rec(v + 1, j === k ? k + 1 : k);
    }
  };
  rec(0, 0);
  return best;
}
