// End to end between the two halves of this folder's work: any plan the partitioner returns,
// written as tasks + connections, is a valid model DAG; breaking it trips the matching rule.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type DagModel, type DagTask, validateDag } from '../../../../node/model/dag/index.js';
import { NO_MARGIN, partition } from '../../../../node/model/partition/index.js';
import { randomDag, seededRandom } from '../../../../node/model/partition/synthetic.js';
import type { PartitionGraph, TaskPartition } from '../../../../node/model/partition-graph.js';
import { type Connection, MODEL_ENDPOINT } from '../../../../storage/bundle/manifest.js';
import type { TensorSpec } from '../../../../storage/tensors/tensor.js';

function toDag(graph: PartitionGraph, plan: TaskPartition[]): DagModel & { connections: Connection[] } {
  const owner = new Map<number, string>();
  plan.forEach((t, j) => {
    for (const v of t.nodes) owner.set(v, `t${j}`);
  });
  const spec = (name: string): TensorSpec => ({
    name,
    dtype: 'uint8',
    shape: [graph.tensors.get(name)!.bytes],
  });
  const tasks: DagTask[] = plan.map((t, j) => {
    const id = `t${j}`;
    const inputs = new Set<string>();
    const outputs = new Set<string>();
    for (const v of t.nodes) {
      for (const name of graph.nodes[v]!.inputs) {
        const tensor = graph.tensors.get(name)!;
        if (tensor.kind !== 'weight' && (tensor.producer === undefined || owner.get(tensor.producer) !== id))
          inputs.add(name);
      }
      for (const name of graph.nodes[v]!.outputs) {
        const tensor = graph.tensors.get(name)!;
        if (tensor.isModelOutput || tensor.consumers.some((c) => owner.get(c) !== id)) outputs.add(name);
      }
    }
    const state = graph.state.filter((b) => inputs.has(b.input) && outputs.has(b.output));
    return { id, inputs: [...inputs].map(spec), outputs: [...outputs].map(spec), state };
  });
  const connections: Connection[] = [];
  tasks.forEach((task) => {
    for (const input of task.inputs) {
      const p = graph.tensors.get(input.name)!.producer;
      const from = p === undefined ? MODEL_ENDPOINT : owner.get(p)!;
      connections.push({
        from: { task: from, tensor: input.name },
        to: { task: task.id, tensor: input.name },
      });
    }
  });
  const modelInputs = [...graph.tensors.values()].filter(
    (t) => t.kind === 'model-input' && t.consumers.length > 0,
  );
  const modelOutputs = [...graph.tensors.values()].filter((t) => t.isModelOutput);
  for (const t of modelOutputs) {
    connections.push({
      from: { task: owner.get(t.producer!)!, tensor: t.name },
      to: { task: MODEL_ENDPOINT, tensor: t.name },
    });
  }
  return {
    model: { inputs: modelInputs.map((t) => spec(t.name)), outputs: modelOutputs.map((t) => spec(t.name)) },
    tasks,
    connections,
  };
}

test('partition plans of 80 random graphs are valid DAGs; a back edge is a DAG_CYCLE', () => {
  let cycles = 0;
  for (let seed = 700; seed < 780; seed++) {
    const rand = seededRandom(seed);
    const graph = randomDag(rand, {
      nodes: 12 + (seed % 30),
      extraEdge: 0.3,
      modelInputRead: 0.2,
      weights: 5,
      stateBindings: seed % 2,
      maxBytes: 100,
    });
    const total = [...graph.tensors.values()].reduce((s, t) => s + t.bytes, 0);
    let plan: TaskPartition[];
    try {
      plan = partition(graph, { targetBytes: Math.ceil(total / 3), margin: NO_MARGIN }).tasks;
    } catch {
      continue;
    }
    const dag = toDag(graph, plan);
    assert.deepEqual(validateDag(dag), [], `seed ${seed}`);
    // Add the reverse of a task-to-task connection: a → b plus b → a is a cycle.
    const edge = dag.connections.find((c) => c.from.task !== MODEL_ENDPOINT && c.to.task !== MODEL_ENDPOINT);
    if (!edge) continue;
    const a = dag.tasks.find((t) => t.id === edge.from.task)!;
    const b = dag.tasks.find((t) => t.id === edge.to.task)!;
    const back = b.outputs[0]!;
    (a.inputs as TensorSpec[]).push({ ...back, name: 'back' });
    dag.connections.push({ from: { task: b.id, tensor: back.name }, to: { task: a.id, tensor: 'back' } });
    const v = validateDag(dag);
    assert.ok(
      v.some((x) => x.code === 'DAG_CYCLE'),
      `seed ${seed}: ${JSON.stringify(v.map((x) => x.code))}`,
    );
    cycles++;
  }
  assert.ok(cycles > 40, `${cycles}`);
});
