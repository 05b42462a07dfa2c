// The engine's schedule of a verified bundle: tasks in a topological order with the tasks each
// waits for, where each task input and model output comes from, how many consumers each produced
// tensor has (a tensor's last consumer may take it instead of a copy), and which model inputs only
// seed task state. The wiring was checked by the DAG rules when the bundle was opened; the one rule
// added here is the engine's own: a state input must be seeded by a model input on the first step.
import { BundleError, BundleErrorCode } from '../../storage/bundle/errors.js';
import { MODEL_ENDPOINT, type TaskManifest, type TensorRef } from '../../storage/bundle/manifest.js';
import type { VerifiedBundle } from '../model/bundle/open.js';
import { type EndpointKey, endpointKey } from '../model/bundle/wiring.js';

export interface ScheduledTask {
  task: TaskManifest;
  /** Task input name -> its source. */
  sources: Map<string, TensorRef>;
  /** Tasks this one waits for (excluding itself and the model). */
  dependsOn: Set<string>;
  /** True when a state output is also wired onward (e.g. `present` as a model output). */
  returnsState: boolean;
}

export interface ExecutionSchedule {
  /** Tasks in a topological order (ties keep manifest order). */
  order: ScheduledTask[];
  byId: Map<string, ScheduledTask>;
  /** Model output name -> its source. */
  outputSources: Map<string, TensorRef>;
  /** Produced tensor -> number of consumers (task inputs plus model outputs). */
  consumers: Map<EndpointKey, number>;
  /** Model input -> the task state inputs it seeds (needed only while those tasks hold no state). */
  stateSeeds: Map<string, { task: string; input: string }[]>;
}

export function scheduleBundle(bundle: Pick<VerifiedBundle, 'manifest' | 'wiring'>): ExecutionSchedule {
  const { manifest, wiring } = bundle;
  const byId = new Map<string, ScheduledTask>();
  const consumers = new Map<EndpointKey, number>();
  const stateSeeds = new Map<string, { task: string; input: string }[]>();
  for (const c of manifest.connections) consumers.set(endpointKey(c.from), wiring.readerCount(c.from));
  for (const task of manifest.tasks) {
    const sources = new Map(wiring.into(task.id).map((c) => [c.to.tensor, c.from]));
    for (const { input } of task.state) {
      const src = sources.get(input);
      if (src?.task !== MODEL_ENDPOINT) {
        throw new BundleError(
          BundleErrorCode.PLAN_INVALID,
          `state input '${input}' of task '${task.id}' must be seeded by a model input`,
          { task: task.id, tensor: input },
        );
      }
      stateSeeds.set(src.tensor, [...(stateSeeds.get(src.tensor) ?? []), { task: task.id, input }]);
    }
    const returnsState = task.state.some((b) => wiring.readerCount({ task: task.id, tensor: b.output }) > 0);
    byId.set(task.id, { task, sources, dependsOn: wiring.producersOf(task.id), returnsState });
  }
  const outputSources = new Map(wiring.into(MODEL_ENDPOINT).map((c) => [c.to.tensor, c.from]));
  return { order: topologicalOrder(manifest.tasks, byId), byId, outputSources, consumers, stateSeeds };
}

/** Kahn's order; the DAG rules already refused cycles, so every task is placed. */
function topologicalOrder(tasks: readonly TaskManifest[], byId: Map<string, ScheduledTask>): ScheduledTask[] {
  const remaining = new Map(tasks.map((t) => [t.id, byId.get(t.id)!.dependsOn.size]));
  const order: ScheduledTask[] = [];
  while (remaining.size > 0) {
    const ready = tasks.find((t) => remaining.get(t.id) === 0)!;
    remaining.delete(ready.id);
    order.push(byId.get(ready.id)!);
    for (const [id, n] of remaining) if (byId.get(id)!.dependsOn.has(ready.id)) remaining.set(id, n - 1);
  }
  return order;
}
