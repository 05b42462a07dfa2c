// Turns a loaded (optimized) ONNX model plus its inferred shapes into the partitioner's
// ONNX-free PartitionGraph: nodes in topological order, tensors with byte sizes under the
// declared shapes, subgraph outer-scope reads as node inputs, and state (KV cache) bindings.
import assert from 'node:assert/strict';
import type { ModelProto } from 'onnx-buf';
import { DTYPE_BYTES } from '../../storage/tensors/tensor.js';
import { SplitUpError } from '../errors.js';
import { nodeComputeUnits } from './compute-units.js';
import { ModelErrorCode } from './errors.js';
import { nodeReads } from './onnx/graph-walk.js';
import { initializerBytes } from './onnx/tensor-bytes.js';
import type { PartitionGraph, PGNode, PGTensor } from './partition-graph.js';
import type { InferredShapes } from './shapes/infer.js';
import { runtimeInputs } from './shapes/input-shapes.js';
import { detectStateBindings, type StateNaming } from './state-bindings.js';

/** Bytes assumed for a tensor whose size stayed unknown (documented in the deploy output). */
const UNKNOWN_TENSOR_BYTES = 0;

export interface BuiltGraph {
  graph: PartitionGraph;
  /** Names of tensors sized with UNKNOWN_TENSOR_BYTES. */
  unsized: string[];
}

/** Orders nodes so every node comes after the producers of what it reads (stable for sorted graphs). */
function topologicalOrder(model: ModelProto): number[] {
  const nodes = model.graph?.node ?? [];
  const producer = new Map<string, number>();
  nodes.forEach((n, i) => {
    for (const o of n.output) if (o) producer.set(o, i);
  });
  const deps = nodes.map((n) => [
    ...new Set(
      nodeReads(n)
        .map((r) => producer.get(r))
        .filter((p): p is number => p !== undefined),
    ),
  ]);
  const order: number[] = [];
  const state = new Uint8Array(nodes.length); // 0 new, 1 visiting, 2 done
  for (let root = 0; root < nodes.length; root++) {
    if (state[root] === 2) continue;
    const stack: [number, number][] = [[root, 0]];
    state[root] = 1;
    while (stack.length > 0) {
      const top = stack[stack.length - 1] as [number, number];
      const [i, k] = top;
      const d = deps[i] as number[];
      if (k < d.length) {
        top[1]++;
        const j = d[k] as number;
        if (state[j] === 1) {
          throw new SplitUpError(
            ModelErrorCode.CORRUPT,
            `the graph has a cycle through node '${nodes[j]?.name}'`,
            {
              node: nodes[j]?.name,
            },
          );
        }
        if (state[j] === 0) {
          state[j] = 1;
          stack.push([j, 0]);
        }
      } else {
        state[i] = 2;
        order.push(i);
        stack.pop();
      }
    }
  }
  return order;
}

export function buildPartitionGraph(
  model: ModelProto,
  shapes: InferredShapes,
  naming?: StateNaming,
): BuiltGraph {
  const g = model.graph;
  if (!g) throw new SplitUpError(ModelErrorCode.CORRUPT, 'model has no graph');
  const order = topologicalOrder(model);
  const tensors = new Map<string, PGTensor>();
  const unsized: string[] = [];
  const outputs = new Set(g.output.map((o) => o.name));
  const activationBytes = (name: string): number => {
    const s = shapes.fixed.get(name);
    if (!s) {
      unsized.push(name);
      return UNKNOWN_TENSOR_BYTES;
    }
    const per = s.dtype ? DTYPE_BYTES[s.dtype] : 4;
    return s.shape.reduce((a, b) => a * b, 1) * per;
  };
  for (const t of g.initializer) {
    tensors.set(t.name, {
      name: t.name,
      kind: 'weight',
      bytes: initializerBytes(t),
      consumers: [],
      isModelOutput: outputs.has(t.name),
    });
  }
  for (const input of runtimeInputs(g)) {
    tensors.set(input.name, {
      name: input.name,
      kind: 'model-input',
      bytes: activationBytes(input.name),
      consumers: [],
      isModelOutput: outputs.has(input.name),
    });
  }
  const initDims = new Map(g.initializer.map((t) => [t.name, t.dims.map(Number)]));
  const shapeOfFast = (name: string) => shapes.fixed.get(name)?.shape ?? initDims.get(name);
  const nodes: PGNode[] = order.map((src, index) => {
    const n = g.node[src];
    assert(n, `topological order names node ${src}, which the graph lacks`);
    const inputs = nodeReads(n);
    for (const o of n.output) {
      if (!o) continue;
      tensors.set(o, {
        name: o,
        kind: 'activation',
        bytes: activationBytes(o),
        producer: index,
        consumers: [],
        isModelOutput: outputs.has(o),
      });
    }
    return {
      index,
      name: n.name || `${n.opType}_${src}`,
      opType: n.domain && n.domain !== 'ai.onnx' ? `${n.domain}:${n.opType}` : n.opType,
      inputs,
      outputs: n.output.filter((o) => o !== ''),
      computeUnits: nodeComputeUnits(n, shapeOfFast),
    };
  });
  for (const node of nodes) {
    for (const name of node.inputs) {
      const t = tensors.get(name);
      if (t && !t.consumers.includes(node.index)) t.consumers.push(node.index);
    }
  }
  const state = detectStateBindings(
    runtimeInputs(g).map((i) => i.name),
    g.output.map((o) => o.name),
    naming,
  );
  return { graph: { nodes, tensors, state }, unsized };
}

/** Maps PartitionGraph node indices back to the ONNX node positions (same order as built). */
export function onnxNodeOrder(model: ModelProto): number[] {
  return topologicalOrder(model);
}
