// Dense, typed-array view of a PartitionGraph that every partition algorithm shares: tensor ids
// instead of names, node→node edges, and state groups. Built once per graph (cached).
import { SplitUpError } from '../../errors.js';
import type { PartitionGraph } from '../partition-graph.js';
import { PartitionErrorCode } from './errors.js';

export const TENSOR_MODEL_INPUT = 0;
export const TENSOR_WEIGHT = 1;
export const TENSOR_ACTIVATION = 2;

export interface IndexedGraph {
  readonly graph: PartitionGraph;
  readonly nodeCount: number;
  readonly tensorNames: string[];
  readonly tensorBytes: Float64Array;
  /** TENSOR_MODEL_INPUT | TENSOR_WEIGHT | TENSOR_ACTIVATION. */
  readonly tensorKind: Uint8Array;
  /** Producing node, or -1 (model inputs, weights). */
  readonly producer: Int32Array;
  readonly isModelOutput: Uint8Array;
  /** 1 for a state input (model input half of a binding), 2 for a state output, 0 otherwise. */
  readonly stateRole: Uint8Array;
  /** Distinct tensor ids each node reads / writes. */
  readonly nodeReads: Int32Array[];
  readonly nodeWrites: Int32Array[];
  /** The same reads / writes flattened (CSR): node v reads readIdx[readOff[v] .. readOff[v+1]). */
  readonly readOff: Int32Array;
  readonly readIdx: Int32Array;
  readonly writeOff: Int32Array;
  readonly writeIdx: Int32Array;
  /** Distinct consumer nodes of each tensor (ascending). */
  readonly consumers: Int32Array[];
  /** Distinct predecessor / successor nodes (data edges), ascending. */
  readonly preds: Int32Array[];
  readonly succs: Int32Array[];
  /**
   * Groups of nodes that must share a task because of state bindings: the readers of a state
   * input and the producer of its paired output (bindings that share a node are merged).
   */
  readonly stateGroups: { nodes: number[]; bindings: { input: string; output: string }[] }[];
}

const cache = new WeakMap<PartitionGraph, IndexedGraph>();

function badGraph(message: string, details: Record<string, unknown>): SplitUpError {
  return new SplitUpError(PartitionErrorCode.BAD_GRAPH, message, details);
}

/** Returns the (cached) indexed view; validates that nodes are in topological order. */
export function indexGraph(graph: PartitionGraph): IndexedGraph {
  const hit = cache.get(graph);
  if (hit) return hit;
  const built = build(graph);
  cache.set(graph, built);
  return built;
}

function build(graph: PartitionGraph): IndexedGraph {
  const n = graph.nodes.length;
  const id = new Map<string, number>();
  const tensorNames: string[] = [];
  for (const name of graph.tensors.keys()) {
    id.set(name, tensorNames.length);
    tensorNames.push(name);
  }
  const m = tensorNames.length;
  const tensorBytes = new Float64Array(m);
  const tensorKind = new Uint8Array(m);
  const producer = new Int32Array(m).fill(-1);
  const isModelOutput = new Uint8Array(m);
  tensorNames.forEach((name, t) => {
    const spec = graph.tensors.get(name)!;
    if (!(spec.bytes >= 0) || !Number.isFinite(spec.bytes)) {
      throw badGraph(`tensor '${name}' has an invalid size ${spec.bytes}`, {
        tensor: name,
        bytes: spec.bytes,
      });
    }
    tensorBytes[t] = spec.bytes;
    tensorKind[t] =
      spec.kind === 'weight'
        ? TENSOR_WEIGHT
        : spec.kind === 'model-input'
          ? TENSOR_MODEL_INPUT
          : TENSOR_ACTIVATION;
    isModelOutput[t] = spec.isModelOutput ? 1 : 0;
  });
  const lookup = (name: string, node: string): number => {
    const t = id.get(name);
    if (t === undefined) {
      throw badGraph(`node '${node}' refers to tensor '${name}', which the graph does not list`, {
        node,
        tensor: name,
      });
    }
    return t;
  };
  // Reads and writes in CSR form (one flat array + offsets): the sweeps walk them in hot loops.
  const readOff = new Int32Array(n + 1);
  const writeOff = new Int32Array(n + 1);
  const readFlat: number[] = [];
  const writeFlat: number[] = [];
  const mark = new Int32Array(m).fill(-1); // dedupe per node without allocating Sets
  for (let v = 0; v < n; v++) {
    const node = graph.nodes[v]!;
    if (node.index !== v) {
      throw badGraph(`node '${node.name}' has index ${node.index} but sits at position ${v}`, {
        node: node.name,
      });
    }
    for (const o of node.outputs) {
      if (o === '') continue;
      const t = lookup(o, node.name);
      if (mark[t] === v) continue;
      mark[t] = v;
      if (tensorKind[t] !== TENSOR_ACTIVATION || producer[t] !== -1) {
        throw badGraph(
          `tensor '${tensorNames[t]}' written by node '${node.name}' is not a fresh activation`,
          {
            node: node.name,
            tensor: tensorNames[t],
          },
        );
      }
      producer[t] = v;
      writeFlat.push(t);
    }
    writeOff[v + 1] = writeFlat.length;
  }
  mark.fill(-1);
  const consumerCount = new Int32Array(m);
  const predFlat: number[] = [];
  const predOff = new Int32Array(n + 1);
  const predMark = new Int32Array(n).fill(-1);
  for (let v = 0; v < n; v++) {
    const node = graph.nodes[v]!;
    for (const name of node.inputs) {
      if (name === '') continue;
      const t = lookup(name, node.name);
      if (mark[t] === v) continue;
      mark[t] = v;
      const u = producer[t]!;
      if (tensorKind[t] === TENSOR_ACTIVATION && u === -1) {
        throw badGraph(`activation '${tensorNames[t]}' read by node '${node.name}' has no producer`, {
          node: node.name,
          tensor: tensorNames[t],
        });
      }
      if (u >= v) {
        throw badGraph(
          `nodes are not in topological order: '${node.name}' reads '${tensorNames[t]}' before it is made`,
          {
            node: node.name,
            tensor: tensorNames[t],
          },
        );
      }
      if (u >= 0 && predMark[u] !== v) {
        predMark[u] = v;
        predFlat.push(u);
      }
      consumerCount[t]!++;
      readFlat.push(t);
    }
    readOff[v + 1] = readFlat.length;
    predOff[v + 1] = predFlat.length;
  }
  const readIdx = Int32Array.from(readFlat);
  const writeIdx = Int32Array.from(writeFlat);
  const nodeReads: Int32Array[] = [];
  const nodeWrites: Int32Array[] = [];
  const preds: Int32Array[] = [];
  const succCount = new Int32Array(n);
  for (let v = 0; v < n; v++) {
    nodeReads.push(readIdx.subarray(readOff[v], readOff[v + 1]));
    nodeWrites.push(writeIdx.subarray(writeOff[v], writeOff[v + 1]));
    const p = Int32Array.from(predFlat.slice(predOff[v], predOff[v + 1])).sort();
    preds.push(p);
    for (const u of p) succCount[u]!++;
  }
  const succs = Array.from({ length: n }, (_, v) => new Int32Array(succCount[v]!));
  const succFill = new Int32Array(n);
  for (let v = 0; v < n; v++) for (const u of preds[v]!) succs[u]![succFill[u]!++] = v;
  const consumers = Array.from({ length: m }, (_, t) => new Int32Array(consumerCount[t]!));
  const consumerFill = new Int32Array(m);
  for (let v = 0; v < n; v++) for (const t of nodeReads[v]!) consumers[t]![consumerFill[t]!++] = v;
  const stateRole = new Uint8Array(m);
  for (const b of graph.state) {
    const ti = id.get(b.input);
    const to = id.get(b.output);
    if (
      ti === undefined ||
      to === undefined ||
      tensorKind[ti] !== TENSOR_MODEL_INPUT ||
      tensorKind[to] !== TENSOR_ACTIVATION
    ) {
      throw badGraph(
        `state binding ${b.input} → ${b.output} must pair a model input with a produced tensor`,
        {
          input: b.input,
          output: b.output,
        },
      );
    }
    stateRole[ti] = 1;
    stateRole[to] = 2;
  }
  return {
    graph,
    nodeCount: n,
    tensorNames,
    tensorBytes,
    tensorKind,
    producer,
    isModelOutput,
    stateRole,
    nodeReads,
    nodeWrites,
    readOff,
    readIdx,
    writeOff,
    writeIdx,
    consumers,
    preds,
    succs,
    stateGroups: buildStateGroups(graph, id, producer, consumers),
  };
}

/** Union-find over the nodes each binding ties together. */
function buildStateGroups(
  graph: PartitionGraph,
  id: Map<string, number>,
  producer: Int32Array,
  consumerLists: readonly Int32Array[],
): IndexedGraph['stateGroups'] {
  const parent = new Map<number, number>();
  const find = (x: number): number => {
    let r = x;
    while (parent.get(r) !== r) r = parent.get(r)!;
    parent.set(x, r);
    return r;
  };
  const add = (x: number) => {
    if (!parent.has(x)) parent.set(x, x);
  };
  const bindingNodes = graph.state.map((b) => {
    const nodes = [...consumerLists[id.get(b.input)!]!];
    const p = producer[id.get(b.output)!]!;
    if (p >= 0) nodes.push(p);
    for (const v of nodes) add(v);
    for (const v of nodes.slice(1)) parent.set(find(v), find(nodes[0]!));
    return nodes;
  });
  const groups = new Map<number, { nodes: Set<number>; bindings: { input: string; output: string }[] }>();
  graph.state.forEach((b, k) => {
    const nodes = bindingNodes[k]!;
    if (nodes.length === 0) return;
    const root = find(nodes[0]!);
    let g = groups.get(root);
    if (!g) {
      g = { nodes: new Set(), bindings: [] };
      groups.set(root, g);
    }
    for (const v of nodes) g.nodes.add(v);
    g.bindings.push({ input: b.input, output: b.output });
  });
  return [...groups.values()].map((g) => ({
    nodes: [...g.nodes].sort((a, b) => a - b),
    bindings: g.bindings,
  }));
}
