// Turns a manifest's connections into what the scheduler needs: where each task input and each
// model output comes from, who consumes each produced tensor, and a topological order. Rejects
// manifests whose wiring cannot run (dangling refs, double-fed inputs, cycles).

import {
  type BundleManifest,
  MODEL_ENDPOINT,
  type TaskManifest,
  type TensorRef,
} from '../../storage/bundle/manifest.js';
import { SplitUpError } from '../errors.js';
import { BundleErrorCode } from '../model/bundle/errors.js';

/** Key of a produced tensor: `task\0tensor` (task may be MODEL_ENDPOINT for model inputs). */
export type TensorKey = string;

export function tensorKey(ref: TensorRef): TensorKey {
  return `${ref.task}\0${ref.tensor}`;
}

export interface TaskPlan {
  task: TaskManifest;
  /** Task input name -> its source. */
  sources: Map<string, TensorRef>;
  /** Tasks this one waits for (excluding itself and the model). */
  dependsOn: Set<string>;
  /** True when a state output is also wired onward (e.g. `present` as a model output). */
  returnsState: boolean;
}

export interface BundlePlan {
  /** Tasks in a topological order (ties keep manifest order). */
  order: TaskPlan[];
  byId: Map<string, TaskPlan>;
  /** Model output name -> its source. */
  outputSources: Map<string, TensorRef>;
  /** Produced tensor -> number of consumers (task inputs plus model outputs). */
  consumers: Map<TensorKey, number>;
  /** Model input -> the task state inputs it seeds (needed only while those tasks hold no state). */
  stateSeeds: Map<string, { task: string; input: string }[]>;
}

function planError(message: string, details?: Record<string, unknown>): SplitUpError {
  return new SplitUpError(BundleErrorCode.PLAN_INVALID, message, details);
}

export function planBundle(manifest: BundleManifest): BundlePlan {
  const byId = new Map<string, TaskPlan>();
  for (const task of manifest.tasks) {
    if (task.id === MODEL_ENDPOINT || byId.has(task.id))
      throw planError(`task id '${task.id}' is reserved or repeated`);
    byId.set(task.id, { task, sources: new Map(), dependsOn: new Set(), returnsState: false });
  }
  const modelInputs = new Set(manifest.model.inputs.map((s) => s.name));
  const modelOutputs = new Set(manifest.model.outputs.map((s) => s.name));
  const outputSources = new Map<string, TensorRef>();
  const consumers = new Map<TensorKey, number>();

  const checkFrom = (ref: TensorRef): void => {
    if (ref.task === MODEL_ENDPOINT) {
      if (!modelInputs.has(ref.tensor))
        throw planError(`connection reads model input '${ref.tensor}', which the model does not have`);
      return;
    }
    const plan = byId.get(ref.task);
    if (!plan) throw planError(`connection reads from unknown task '${ref.task}'`);
    if (!plan.task.outputs.some((o) => o.name === ref.tensor)) {
      throw planError(`connection reads '${ref.tensor}', which task '${ref.task}' does not output`);
    }
  };

  for (const { from, to } of manifest.connections) {
    checkFrom(from);
    consumers.set(tensorKey(from), (consumers.get(tensorKey(from)) ?? 0) + 1);
    if (to.task === MODEL_ENDPOINT) {
      if (!modelOutputs.has(to.tensor))
        throw planError(`connection feeds model output '${to.tensor}', which the model does not have`);
      if (outputSources.has(to.tensor)) throw planError(`model output '${to.tensor}' is fed twice`);
      outputSources.set(to.tensor, from);
      continue;
    }
    const plan = byId.get(to.task);
    if (!plan) throw planError(`connection feeds unknown task '${to.task}'`);
    if (!plan.task.inputs.some((i) => i.name === to.tensor)) {
      throw planError(`connection feeds '${to.tensor}', which task '${to.task}' does not take`);
    }
    if (plan.sources.has(to.tensor))
      throw planError(`input '${to.tensor}' of task '${to.task}' is fed twice`);
    plan.sources.set(to.tensor, from);
    if (from.task !== MODEL_ENDPOINT && from.task !== to.task) plan.dependsOn.add(from.task);
  }

  const stateSeeds = new Map<string, { task: string; input: string }[]>();
  for (const plan of byId.values()) {
    const stateInputs = new Set(plan.task.state.map((b) => b.input));
    for (const input of plan.task.inputs) {
      const src = plan.sources.get(input.name);
      if (!src) throw planError(`input '${input.name}' of task '${plan.task.id}' has no source`);
      if (stateInputs.has(input.name)) {
        if (src.task !== MODEL_ENDPOINT) {
          throw planError(
            `state input '${input.name}' of task '${plan.task.id}' must be seeded by a model input`,
          );
        }
        stateSeeds.set(src.tensor, [
          ...(stateSeeds.get(src.tensor) ?? []),
          { task: plan.task.id, input: input.name },
        ]);
      }
    }
    const stateOutputs = new Set(plan.task.state.map((b) => b.output));
    plan.returnsState = [...stateOutputs].some((o) =>
      consumers.has(tensorKey({ task: plan.task.id, tensor: o })),
    );
  }
  for (const name of modelOutputs) {
    if (!outputSources.has(name)) throw planError(`model output '${name}' has no source`);
  }
  return { order: topologicalOrder(manifest.tasks, byId), byId, outputSources, consumers, stateSeeds };
}

function topologicalOrder(tasks: TaskManifest[], byId: Map<string, TaskPlan>): TaskPlan[] {
  const remaining = new Map(tasks.map((t) => [t.id, byId.get(t.id)!.dependsOn.size]));
  const order: TaskPlan[] = [];
  while (order.length < tasks.length) {
    const ready = tasks.find((t) => remaining.get(t.id) === 0);
    if (!ready) {
      const stuck = [...remaining.keys()];
      throw planError(`tasks ${stuck.join(', ')} depend on each other in a cycle`, { tasks: stuck });
    }
    remaining.delete(ready.id);
    order.push(byId.get(ready.id)!);
    for (const [id, n] of remaining) if (byId.get(id)!.dependsOn.has(ready.id)) remaining.set(id, n - 1);
  }
  return order;
}
