// Turns a partition into task models: per task the nodes (cloned from the optimized model),
// the initializers they read (shared ones copied into every task that reads them, so a worker
// fetches only its own weights file), inputs and outputs typed with the model's symbolic dims.
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { clone, create, toBinary } from '@bufbuild/protobuf';
import {
  GraphProtoSchema,
  type ModelProto,
  ModelProtoSchema,
  type NodeProto,
  NodeProtoSchema,
  StringStringEntryProtoSchema,
  type TensorProto,
  TensorProto_DataLocation,
  TensorProtoSchema,
} from 'onnx-buf';
import {
  type Connection,
  MODEL_ENDPOINT,
  type StateBinding,
  type WeightFile,
} from '../../../storage/bundle/manifest.js';
import type { TensorSpec } from '../../../storage/tensors/tensor.js';
import { SplitUpError } from '../../errors.js';
import { ModelErrorCode, ShapeErrorCode } from '../errors.js';
import { isExternal, readExternalBytes } from '../onnx/external-data.js';
import { forEachGraph, subgraphsOf } from '../onnx/graph-walk.js';
import { EXTERNAL_INITIALIZER_MIN_BYTES } from '../onnx/optimize.js';
import { PartitionErrorCode } from '../partition/errors.js';
import type { Partition, PartitionGraph } from '../partition-graph.js';
import type { InferredShapes } from '../shapes/infer.js';
import { specToValueInfo, UNNAMED_DIM } from './value-info.js';
import { WeightsWriter } from './weights-writer.js';

export interface ExtractedTask {
  id: string;
  file: string;
  sha256: string;
  inputs: TensorSpec[];
  outputs: TensorSpec[];
  state: StateBinding[];
  weights: WeightFile[];
  /** PartitionGraph node indices of the task. */
  nodes: number[];
  weightBytes: number;
}

export interface ExtractionResult {
  tasks: ExtractedTask[];
  connections: Connection[];
}

export interface ExtractionSource {
  model: ModelProto;
  /** Folder the model's external data is relative to. */
  dir: string;
  graph: PartitionGraph;
  /** PartitionGraph node index -> position in model.graph.node. */
  onnxIndex: number[];
  shapes: InferredShapes;
}

export function taskId(i: number, count: number): string {
  return `task-${String(i).padStart(Math.max(2, String(count - 1).length), '0')}`;
}

function specOf(name: string, shapes: InferredShapes): TensorSpec {
  const sym = shapes.symbolic.get(name);
  const fixed = shapes.fixed.get(name);
  const dtype = sym?.dtype ?? fixed?.dtype;
  if (!dtype) {
    throw new SplitUpError(
      ShapeErrorCode.UNKNOWN,
      `the type of tensor '${name}' (a task input or output) is unknown`,
      { tensor: name },
    );
  }
  const shape = sym?.shape ?? fixed?.shape.map(() => UNNAMED_DIM) ?? [];
  return { name, dtype, shape };
}

function taskInitializer(t: TensorProto, source: ExtractionSource, writer: WeightsWriter): TensorProto {
  const external = isExternal(t);
  const bytes = external ? readExternalBytes(source.dir, t) : t.rawData;
  const copy = clone(TensorProtoSchema, t);
  if (!external && (t.rawData.length === 0 || t.rawData.length < EXTERNAL_INITIALIZER_MIN_BYTES)) return copy;
  if (bytes.length < EXTERNAL_INITIALIZER_MIN_BYTES) {
    copy.dataLocation = TensorProto_DataLocation.DEFAULT;
    copy.externalData = [];
    copy.rawData = new Uint8Array(bytes);
    return copy;
  }
  const offset = writer.append(bytes);
  copy.rawData = new Uint8Array(0);
  copy.dataLocation = TensorProto_DataLocation.EXTERNAL;
  copy.externalData = [
    { key: 'location', value: writer.name },
    { key: 'offset', value: String(offset) },
    { key: 'length', value: String(bytes.length) },
  ].map((e) => create(StringStringEntryProtoSchema, e));
  return copy;
}

/** Moves external tensors inside a node's subgraphs (If/Loop bodies) into the task's weights file. */
function relocateSubgraphData(node: NodeProto, source: ExtractionSource, writer: WeightsWriter): NodeProto {
  for (const sub of subgraphsOf(node)) {
    forEachGraph(sub, (graph) => {
      graph.initializer = graph.initializer.map((t) =>
        isExternal(t) ? taskInitializer(t, source, writer) : t,
      );
      for (const n of graph.node) {
        for (const a of n.attribute) {
          if (a.t && isExternal(a.t)) a.t = taskInitializer(a.t, source, writer);
          a.tensors = a.tensors.map((t) => (isExternal(t) ? taskInitializer(t, source, writer) : t));
        }
      }
    });
  }
  return node;
}

/** Writes `<id>.onnx` and `<id>.weights` per task into `outDir`; returns their descriptions and the DAG edges. */
export function extractTasks(
  source: ExtractionSource,
  partition: Partition,
  outDir: string,
  onTask?: (done: number, total: number) => void,
): ExtractionResult {
  const { model, graph } = source;
  const g = model.graph;
  if (!g) throw new SplitUpError(ModelErrorCode.CORRUPT, 'model has no graph');
  const count = partition.tasks.length;
  const taskOfNode = new Int32Array(graph.nodes.length).fill(-1);
  partition.tasks.forEach((t, ti) => {
    for (const n of t.nodes) {
      if (taskOfNode[n] !== -1)
        throw new SplitUpError(PartitionErrorCode.BAD_PLAN, `node ${n} is in two tasks`, { node: n });
      taskOfNode[n] = ti;
    }
  });
  const missing = taskOfNode.indexOf(-1);
  if (missing !== -1)
    throw new SplitUpError(
      PartitionErrorCode.BAD_PLAN,
      `node ${missing} ('${graph.nodes[missing]?.name}') is in no task`,
      { node: missing },
    );
  const initByName = new Map(g.initializer.map((t) => [t.name, t]));
  const stateOut = new Map(graph.state.map((s) => [s.input, s.output]));
  const tasks: ExtractedTask[] = [];
  const connections: Connection[] = [];
  const ids = partition.tasks.map((_, i) => taskId(i, count));

  partition.tasks.forEach((plannedTask, ti) => {
    const id = ids[ti] as string;
    const nodes = [...plannedTask.nodes].sort((a, b) => a - b);
    const produced = new Set<string>();
    for (const n of nodes) for (const o of graph.nodes[n]?.outputs ?? []) produced.add(o);
    const inputs: string[] = [];
    const weights: string[] = [];
    const seen = new Set<string>();
    for (const n of nodes) {
      for (const name of graph.nodes[n]?.inputs ?? []) {
        if (seen.has(name) || produced.has(name)) continue;
        seen.add(name);
        if (graph.tensors.get(name)?.kind === 'weight') weights.push(name);
        else inputs.push(name);
      }
    }
    const outputs: string[] = [];
    for (const n of nodes) {
      for (const o of graph.nodes[n]?.outputs ?? []) {
        const t = graph.tensors.get(o);
        if (!t) continue;
        if (t.isModelOutput || t.consumers.some((c) => taskOfNode[c] !== ti)) outputs.push(o);
      }
    }
    const writer = new WeightsWriter(outDir, `${id}.weights`);
    const initializers = weights.map((w) => {
      const t = initByName.get(w);
      if (!t)
        throw new SplitUpError(ModelErrorCode.CORRUPT, `weight '${w}' is not an initializer`, { tensor: w });
      return taskInitializer(t, source, writer);
    });
    const taskNodes = nodes.map((n) =>
      relocateSubgraphData(
        clone(NodeProtoSchema, g.node[source.onnxIndex[n] as number] as NodeProto),
        source,
        writer,
      ),
    );
    const weightsSha = writer.close();
    const inputSpecs = inputs.map((n) => specOf(n, source.shapes));
    const outputSpecs = outputs.map((n) => specOf(n, source.shapes));
    const taskModel = create(ModelProtoSchema, {
      irVersion: model.irVersion,
      opsetImport: model.opsetImport.map((o) => ({ ...o })),
      producerName: 'splitup',
      producerVersion: '1',
      graph: create(GraphProtoSchema, {
        name: `${g.name || 'model'}:${id}`,
        node: taskNodes,
        initializer: initializers,
        input: inputSpecs.map(specToValueInfo),
        output: outputSpecs.map(specToValueInfo),
      }),
    });
    const bytes = toBinary(ModelProtoSchema, taskModel);
    const file = `${id}.onnx`;
    writeFileSync(join(outDir, file), bytes);
    const outSet = new Set(outputs);
    tasks.push({
      id,
      file,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      inputs: inputSpecs,
      outputs: outputSpecs,
      state: inputs
        .filter((i) => outSet.has(stateOut.get(i) ?? ''))
        .map((i) => ({ input: i, output: stateOut.get(i) as string })),
      weights: weightsSha ? [{ file: writer.name, bytes: writer.bytes, sha256: weightsSha }] : [],
      nodes,
      weightBytes: weights.reduce((s, w) => s + (graph.tensors.get(w)?.bytes ?? 0), 0),
    });
    for (const name of inputs) {
      const t = graph.tensors.get(name);
      const from =
        t?.producer === undefined ? MODEL_ENDPOINT : (ids[taskOfNode[t.producer] as number] as string);
      connections.push({ from: { task: from, tensor: name }, to: { task: id, tensor: name } });
    }
    for (const name of outputs) {
      if (graph.tensors.get(name)?.isModelOutput)
        connections.push({ from: { task: id, tensor: name }, to: { task: MODEL_ENDPOINT, tensor: name } });
    }
    onTask?.(ti + 1, count);
  });
  return { tasks, connections };
}
