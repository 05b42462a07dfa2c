// The model-DAG rules, in ONE place: docs/dag-rules.md specifies them (checks, codes and their
// exact ORDER). programs/splitup/src/dag.c ports these functions one for one; a change here is a
// change there and in that document.

import { type Connection, MODEL_ENDPOINT } from '../../../storage/bundle/manifest.js';
import type { Dim, TensorSpec } from '../../../storage/tensors/tensor.js';
import { DagErrorCodes } from './codes.js';
import type { DagModel, DagTask, DagViolation } from './types.js';

const show = (task: string, tensor: string) =>
  task === MODEL_ENDPOINT ? `model '${tensor}'` : `'${task}'.'${tensor}'`;

/** Lookup tables built once (after S1–S5 hold, names are unique per list). */
export interface DagIndex {
  tasks: Map<string, DagTask>;
  modelInputs: Map<string, TensorSpec>;
  modelOutputs: Map<string, TensorSpec>;
  taskInputs: Map<string, Map<string, TensorSpec>>;
  taskOutputs: Map<string, Map<string, TensorSpec>>;
  stateInputs: Map<string, Set<string>>;
  stateOutputs: Map<string, Set<string>>;
}

export function buildIndex(model: DagModel): DagIndex {
  const byName = (specs: readonly TensorSpec[]) => new Map(specs.map((s) => [s.name, s]));
  const ix: DagIndex = {
    tasks: new Map(),
    modelInputs: byName(model.model.inputs),
    modelOutputs: byName(model.model.outputs),
    taskInputs: new Map(),
    taskOutputs: new Map(),
    stateInputs: new Map(),
    stateOutputs: new Map(),
  };
  for (const t of model.tasks) {
    if (ix.tasks.has(t.id)) continue;
    ix.tasks.set(t.id, t);
    ix.taskInputs.set(t.id, byName(t.inputs));
    ix.taskOutputs.set(t.id, byName(t.outputs));
    ix.stateInputs.set(t.id, new Set((t.state ?? []).map((b) => b.input)));
    ix.stateOutputs.set(t.id, new Set((t.state ?? []).map((b) => b.output)));
  }
  return ix;
}

// ── Phase S ───────────────────────────────────────────────────────────────────────────────────

/** S1, S2. */
export function checkTaskIds(model: DagModel, out: DagViolation[]): void {
  const seen = new Set<string>();
  for (const t of model.tasks) {
    if (t.id === '' || t.id === MODEL_ENDPOINT) {
      out.push({
        code: DagErrorCodes.BAD_TASK_ID,
        task: t.id,
        tensor: '',
        message: `task id '${t.id}' is empty or reserved`,
      });
    } else if (seen.has(t.id)) {
      out.push({
        code: DagErrorCodes.DUPLICATE_TASK,
        task: t.id,
        tensor: '',
        message: `task id '${t.id}' is declared twice`,
      });
    }
    seen.add(t.id);
  }
}

/** S3, S4. */
export function checkTensorNames(model: DagModel, out: DagViolation[]): void {
  const walk = (task: string, specs: readonly TensorSpec[], what: string) => {
    const seen = new Set<string>();
    for (const s of specs) {
      if (s.name === '') {
        out.push({
          code: DagErrorCodes.BAD_TENSOR_NAME,
          task,
          tensor: '',
          message: `an ${what} of ${task} has an empty name`,
        });
      } else if (seen.has(s.name)) {
        out.push({
          code: DagErrorCodes.DUPLICATE_TENSOR,
          task,
          tensor: s.name,
          message: `${what} '${s.name}' of ${task} is declared twice`,
        });
      }
      seen.add(s.name);
    }
  };
  walk(MODEL_ENDPOINT, model.model.inputs, 'input');
  walk(MODEL_ENDPOINT, model.model.outputs, 'output');
  for (const t of model.tasks) {
    walk(t.id, t.inputs, 'input');
    walk(t.id, t.outputs, 'output');
  }
}

/** S5. */
export function checkStateBindings(model: DagModel, out: DagViolation[]): void {
  for (const t of model.tasks) {
    const usedIn = new Set<string>();
    const usedOut = new Set<string>();
    for (const b of t.state ?? []) {
      const input = t.inputs.find((s) => s.name === b.input);
      const output = t.outputs.find((s) => s.name === b.output);
      const bad = (tensor: string, why: string) =>
        out.push({
          code: DagErrorCodes.BAD_STATE_BINDING,
          task: t.id,
          tensor,
          message: `state binding ${b.input} → ${b.output} of '${t.id}': ${why}`,
        });
      if (!input) bad(b.input, `'${b.input}' is not an input of the task`);
      else if (!output) bad(b.output, `'${b.output}' is not an output of the task`);
      else if (usedIn.has(b.input)) bad(b.input, `'${b.input}' is already bound`);
      else if (usedOut.has(b.output)) bad(b.output, `'${b.output}' is already bound`);
      else if (input.dtype !== output.dtype || input.shape.length !== output.shape.length) {
        bad(
          b.input,
          `input is ${input.dtype}[rank ${input.shape.length}], output is ${output.dtype}[rank ${output.shape.length}]`,
        );
      }
      usedIn.add(b.input);
      usedOut.add(b.output);
    }
  }
}

/** Source spec of an endpoint (model input or task output), or undefined. */
export function sourceSpec(ix: DagIndex, task: string, tensor: string): TensorSpec | undefined {
  return task === MODEL_ENDPOINT ? ix.modelInputs.get(tensor) : ix.taskOutputs.get(task)?.get(tensor);
}

/** Sink spec of an endpoint (task input or model output), or undefined. */
export function sinkSpec(ix: DagIndex, task: string, tensor: string): TensorSpec | undefined {
  return task === MODEL_ENDPOINT ? ix.modelOutputs.get(tensor) : ix.taskInputs.get(task)?.get(tensor);
}

/** S6, S7, S8. */
export function checkConnections(model: DagModel, ix: DagIndex, out: DagViolation[]): void {
  const fed = new Set<string>();
  model.connections.forEach((c, connection) => {
    for (const end of [c.from, c.to]) {
      if (end.task !== MODEL_ENDPOINT && !ix.tasks.has(end.task)) {
        out.push({
          code: DagErrorCodes.UNKNOWN_TASK,
          task: end.task,
          tensor: end.tensor,
          connection,
          message: `connection ${connection} names unknown task '${end.task}'`,
        });
        return;
      }
    }
    if (!sourceSpec(ix, c.from.task, c.from.tensor)) {
      out.push({
        code: DagErrorCodes.UNKNOWN_TENSOR,
        task: c.from.task,
        tensor: c.from.tensor,
        connection,
        message: `connection ${connection} starts at ${show(c.from.task, c.from.tensor)}, which is not a model input or task output`,
      });
      return;
    }
    if (!sinkSpec(ix, c.to.task, c.to.tensor)) {
      out.push({
        code: DagErrorCodes.UNKNOWN_TENSOR,
        task: c.to.task,
        tensor: c.to.tensor,
        connection,
        message: `connection ${connection} ends at ${show(c.to.task, c.to.tensor)}, which is not a task input or model output`,
      });
      return;
    }
    const key = `${c.to.task}\u0000${c.to.tensor}`;
    if (fed.has(key)) {
      out.push({
        code: DagErrorCodes.DUPLICATE_CONNECTION,
        task: c.to.task,
        tensor: c.to.tensor,
        connection,
        message: `${show(c.to.task, c.to.tensor)} has more than one incoming connection`,
      });
    } else if (ix.stateInputs.get(c.to.task)?.has(c.to.tensor) && c.from.task !== MODEL_ENDPOINT) {
      out.push({
        code: DagErrorCodes.DUPLICATE_CONNECTION,
        task: c.to.task,
        tensor: c.to.tensor,
        connection,
        message: `state input ${show(c.to.task, c.to.tensor)} is fed back by its own task; only a model input may initialise it`,
      });
    }
    fed.add(key);
  });
}

// ── Phases 1–5 ────────────────────────────────────────────────────────────────────────────────

const endpointKey = (task: string, tensor: string) => `${task}\u0000${tensor}`;

/** Phase 1. */
export function checkInputsSatisfied(model: DagModel, ix: DagIndex, out: DagViolation[]): void {
  const fed = new Set(model.connections.map((c) => endpointKey(c.to.task, c.to.tensor)));
  for (const t of model.tasks) {
    for (const s of t.inputs) {
      if (ix.stateInputs.get(t.id)!.has(s.name) || fed.has(endpointKey(t.id, s.name))) continue;
      out.push({
        code: DagErrorCodes.INPUT_UNSATISFIED,
        task: t.id,
        tensor: s.name,
        message: `input ${show(t.id, s.name)} is not fed by any connection`,
      });
    }
  }
  for (const s of model.model.outputs) {
    if (fed.has(endpointKey(MODEL_ENDPOINT, s.name))) continue;
    out.push({
      code: DagErrorCodes.INPUT_UNSATISFIED,
      task: MODEL_ENDPOINT,
      tensor: s.name,
      message: `model output '${s.name}' is not produced by any task`,
    });
  }
}

/** Phase 2. */
export function checkNoOrphanOutputs(model: DagModel, ix: DagIndex, out: DagViolation[]): void {
  const used = new Set(model.connections.map((c) => endpointKey(c.from.task, c.from.tensor)));
  for (const s of model.model.inputs) {
    if (used.has(endpointKey(MODEL_ENDPOINT, s.name))) continue;
    out.push({
      code: DagErrorCodes.ORPHAN_OUTPUT,
      task: MODEL_ENDPOINT,
      tensor: s.name,
      message: `model input '${s.name}' is not read by any task`,
    });
  }
  for (const t of model.tasks) {
    for (const s of t.outputs) {
      if (ix.stateOutputs.get(t.id)!.has(s.name) || used.has(endpointKey(t.id, s.name))) continue;
      out.push({
        code: DagErrorCodes.ORPHAN_OUTPUT,
        task: t.id,
        tensor: s.name,
        message: `output ${show(t.id, s.name)} feeds nothing`,
      });
    }
  }
}

/** Phase 3: reverse reachability from the model outputs. */
export function checkNoRedundantTasks(model: DagModel, out: DagViolation[]): void {
  const feeders = new Map<string, string[]>(); // task → tasks that feed it
  const useful = new Set<string>();
  const stack: string[] = [];
  for (const c of model.connections) {
    if (c.from.task === MODEL_ENDPOINT) continue;
    if (c.to.task === MODEL_ENDPOINT) {
      if (!useful.has(c.from.task)) {
        useful.add(c.from.task);
        stack.push(c.from.task);
      }
    } else {
      const list = feeders.get(c.to.task) ?? [];
      list.push(c.from.task);
      feeders.set(c.to.task, list);
    }
  }
  while (stack.length > 0) {
    for (const f of feeders.get(stack.pop()!) ?? []) {
      if (!useful.has(f)) {
        useful.add(f);
        stack.push(f);
      }
    }
  }
  for (const t of model.tasks) {
    if (useful.has(t.id)) continue;
    out.push({
      code: DagErrorCodes.REDUNDANT_TASK,
      task: t.id,
      tensor: '',
      message: `task '${t.id}' contributes to no model output`,
    });
  }
}

/** Phase 4. */
export function checkNoCycles(model: DagModel, out: DagViolation[]): void {
  // Task-to-task edges, indexed both ways, each list in connection order.
  const outgoing = new Map<string, Connection[]>(model.tasks.map((t) => [t.id, []]));
  const incoming = new Map<string, Connection[]>(model.tasks.map((t) => [t.id, []]));
  for (const c of model.connections) {
    if (c.from.task === MODEL_ENDPOINT || c.to.task === MODEL_ENDPOINT) continue;
    outgoing.get(c.from.task)!.push(c);
    incoming.get(c.to.task)!.push(c);
  }
  const indegree = new Map(model.tasks.map((t) => [t.id, incoming.get(t.id)!.length]));
  const removed = new Set<string>();
  const ready = model.tasks.filter((t) => indegree.get(t.id) === 0).map((t) => t.id);
  while (ready.length > 0) {
    const a = ready.pop()!;
    removed.add(a);
    for (const c of outgoing.get(a)!) {
      const d = indegree.get(c.to.task)! - 1;
      indegree.set(c.to.task, d);
      if (d === 0) ready.push(c.to.task);
    }
  }
  const start = model.tasks.find((t) => !removed.has(t.id));
  if (!start) return;
  // Walk backwards through remaining tasks until one repeats.
  const path: { task: string; via: Connection }[] = [];
  const at = new Map<string, number>();
  let cur = start.id;
  while (!at.has(cur)) {
    at.set(cur, path.length);
    const via = incoming.get(cur)!.find((c) => !removed.has(c.from.task))!;
    path.push({ task: cur, via });
    cur = via.from.task;
  }
  // path[k].via goes path[k+1].task → path[k].task; the cycle is path[at(cur)..] reversed.
  const loop = path.slice(at.get(cur)!).reverse();
  const cycle = loop.map((p) => p.via.from.task);
  const leaving = loop[0]!.via; // the edge leaving `cur` along the cycle
  out.push({
    code: DagErrorCodes.CYCLE,
    task: cur,
    tensor: leaving.from.tensor,
    cycle,
    message: `tasks form a cycle: ${[...cycle, cycle[0]].join(' → ')}`,
  });
}

function dimsCompatible(source: Dim, sink: Dim): boolean {
  return typeof sink === 'string' ? true : source === sink;
}

/** Phase 5. */
export function checkTypes(model: DagModel, ix: DagIndex, out: DagViolation[]): void {
  model.connections.forEach((c, connection) => {
    const from = sourceSpec(ix, c.from.task, c.from.tensor)!;
    const to = sinkSpec(ix, c.to.task, c.to.tensor)!;
    const why =
      from.dtype !== to.dtype
        ? `dtype ${from.dtype} into ${to.dtype}`
        : from.shape.length !== to.shape.length
          ? `rank ${from.shape.length} into rank ${to.shape.length}`
          : from.shape.some((d, k) => !dimsCompatible(d, to.shape[k]!))
            ? `shape [${from.shape.join(',')}] into [${to.shape.join(',')}]`
            : null;
    if (why) {
      out.push({
        code: DagErrorCodes.TYPE_MISMATCH,
        task: c.to.task,
        tensor: c.to.tensor,
        connection,
        message: `connection ${show(c.from.task, c.from.tensor)} → ${show(c.to.task, c.to.tensor)} mismatches: ${why}`,
      });
    }
  });
}
