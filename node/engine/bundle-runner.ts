// Runs a whole bundle in this process: one TaskRunner (worker thread) per task, tasks started as
// soon as their inputs exist, so independent tasks run concurrently. State stays in each task's
// runner between steps; runSteps drives N decode steps.
import { performance } from 'node:perf_hooks';
import { type BundleManifest, MODEL_ENDPOINT } from '../../storage/bundle/manifest.js';
import type { Tensor } from '../../storage/tensors/tensor.js';
import { readManifest } from '../model/bundle/read.js';
import { type BundlePlan, planBundle, type TaskPlan, type TensorKey, tensorKey } from './bundle-plan.js';
import { checkInputs } from './check-tensors.js';
import { TaskRunner } from './task-runner.js';

export interface BundleRunnerOptions {
  /** Intra-op threads per task session. */
  threads?: number;
  /** Use this manifest instead of reading `bundleDir/manifest.json`. */
  manifest?: BundleManifest;
}

export interface TaskEvent {
  task: string;
  phase: 'start' | 'end';
}

export interface BundleRunOptions {
  /** Let the engine move the caller's input buffers into workers (they become unusable). */
  transferInputs?: boolean;
  /** Called as each task starts and ends (progress, metrics, tests of the schedule). */
  onTaskEvent?: (event: TaskEvent) => void;
  /** Which sequence's task state to use (see TaskRunOptions.stateKey). */
  stateKey?: string;
}

export interface BundleRunResult {
  outputs: Record<string, Tensor>;
  /** Wall-clock milliseconds of the whole step. */
  wallMs: number;
  /** Milliseconds inside onnxruntime per task. */
  taskMs: Record<string, number>;
}

/** Gives the next step's model inputs from the step number and the previous step's outputs. */
export type StepInputs = (
  step: number,
  previous: Record<string, Tensor> | undefined,
) => Record<string, Tensor>;

function copyOf(t: Tensor): Tensor {
  return { dtype: t.dtype, shape: [...t.shape], data: t.data.slice() };
}

export class BundleRunner {
  readonly manifest: BundleManifest;
  readonly plan: BundlePlan;
  readonly #runners: Map<string, TaskRunner>;

  private constructor(manifest: BundleManifest, plan: BundlePlan, runners: Map<string, TaskRunner>) {
    this.manifest = manifest;
    this.plan = plan;
    this.#runners = runners;
  }

  /** Reads the manifest, checks its wiring, and loads every task's session (hash-checked). */
  static async open(bundleDir: string, opts: BundleRunnerOptions = {}): Promise<BundleRunner> {
    const manifest = opts.manifest ?? readManifest(bundleDir);
    const plan = planBundle(manifest);
    const runnerOpts = opts.threads === undefined ? {} : { threads: opts.threads };
    const opened = await Promise.allSettled(
      manifest.tasks.map((t) => TaskRunner.openTask(bundleDir, t, manifest.runtime, runnerOpts)),
    );
    const failed = opened.find((r) => r.status === 'rejected');
    if (failed) {
      await Promise.all(opened.map((r) => (r.status === 'fulfilled' ? r.value.close() : undefined)));
      throw failed.reason;
    }
    const runners = new Map<string, TaskRunner>();
    opened.forEach((r, i) => {
      runners.set(manifest.tasks[i]!.id, (r as PromiseFulfilledResult<TaskRunner>).value);
    });
    return new BundleRunner(manifest, plan, runners);
  }

  runner(taskId: string): TaskRunner | undefined {
    return this.#runners.get(taskId);
  }

  /** Model inputs the sequence's next run needs: state seeds drop out once their tasks hold state. */
  requiredInputs(stateKey?: string): string[] {
    return this.manifest.model.inputs
      .map((s) => s.name)
      .filter((name) => {
        const seeds = this.plan.stateSeeds.get(name) ?? [];
        const seedOnly =
          seeds.length > 0 &&
          seeds.length === this.#inputUses(name) &&
          seeds.every((s) => this.#runners.get(s.task)!.hasStateFor(stateKey));
        return !seedOnly;
      });
  }

  /** How many connections read model input `name`. */
  #inputUses(name: string): number {
    return this.plan.consumers.get(tensorKey({ task: MODEL_ENDPOINT, tensor: name })) ?? 0;
  }

  /** Runs one step of the model: validates inputs, runs tasks in DAG order, returns model outputs. */
  async run(inputs: Record<string, Tensor>, opts: BundleRunOptions = {}): Promise<BundleRunResult> {
    const started = performance.now();
    const required = new Set(this.requiredInputs(opts.stateKey));
    const optional = new Set(this.manifest.model.inputs.map((s) => s.name).filter((n) => !required.has(n)));
    checkInputs(`model ${this.manifest.model.name}`, this.manifest.model.inputs, inputs, optional);

    const available = new Map<TensorKey, Tensor>();
    const usesLeft = new Map(this.plan.consumers);
    const callerOwned = new Set<TensorKey>();
    for (const [name, t] of Object.entries(inputs)) {
      const key = tensorKey({ task: MODEL_ENDPOINT, tensor: name });
      available.set(key, t);
      if (!opts.transferInputs) callerOwned.add(key);
    }
    const taskMs: Record<string, number> = {};

    /** The tensor for one consumer; a copy unless this is its last use and we may move it. */
    const take = (key: TensorKey): Tensor | undefined => {
      const t = available.get(key);
      if (!t) return undefined;
      const left = (usesLeft.get(key) ?? 1) - 1;
      usesLeft.set(key, left);
      if (left > 0 || callerOwned.has(key)) return copyOf(t);
      available.delete(key);
      return t;
    };

    const runTask = async (plan: TaskPlan): Promise<void> => {
      const runner = this.#runners.get(plan.task.id)!;
      const taskInputs: Record<string, Tensor> = {};
      for (const [input, src] of plan.sources) {
        const t = take(tensorKey(src));
        if (t) taskInputs[input] = t; // absent only for a state input whose seed was omitted
      }
      opts.onTaskEvent?.({ task: plan.task.id, phase: 'start' });
      const result = await runner.execute(taskInputs, {
        returnState: plan.returnsState,
        transfer: true,
        ...(opts.stateKey === undefined ? {} : { stateKey: opts.stateKey }),
      });
      opts.onTaskEvent?.({ task: plan.task.id, phase: 'end' });
      taskMs[plan.task.id] = result.computeMs;
      for (const [name, t] of Object.entries(result.outputs)) {
        const key = tensorKey({ task: plan.task.id, tensor: name });
        if (usesLeft.has(key)) available.set(key, t);
      }
    };

    await this.#schedule(runTask);
    const outputs: Record<string, Tensor> = {};
    for (const [name, src] of this.plan.outputSources) outputs[name] = take(tensorKey(src))!;
    return { outputs, wallMs: performance.now() - started, taskMs };
  }

  /** Starts each task when the tasks it reads from are done; the first failure wins. */
  async #schedule(runTask: (plan: TaskPlan) => Promise<void>): Promise<void> {
    const done = new Set<string>();
    const started = new Set<string>();
    let failure: unknown;
    await new Promise<void>((resolve) => {
      let inFlight = 0;
      const launch = (): void => {
        if (failure === undefined) {
          for (const plan of this.plan.order) {
            if (started.has(plan.task.id) || ![...plan.dependsOn].every((d) => done.has(d))) continue;
            started.add(plan.task.id);
            inFlight++;
            runTask(plan).then(
              () => {
                done.add(plan.task.id);
                inFlight--;
                launch();
              },
              (err: unknown) => {
                failure ??= err;
                inFlight--;
                launch();
              },
            );
          }
        }
        if (inFlight === 0) resolve();
      };
      launch();
    });
    if (failure !== undefined) throw failure;
  }

  /** Runs `steps` steps; `next` gives each step's inputs (state inputs only needed at step 0). */
  async runSteps(
    steps: number,
    next: StepInputs,
    onStep?: (step: number, result: BundleRunResult) => void,
    opts: BundleRunOptions = {},
  ): Promise<BundleRunResult[]> {
    const results: BundleRunResult[] = [];
    let previous: Record<string, Tensor> | undefined;
    for (let step = 0; step < steps; step++) {
      const result = await this.run(next(step, previous), opts);
      onStep?.(step, result);
      results.push(result);
      previous = result.outputs;
    }
    return results;
  }

  /** Drops every task's state for one sequence (all sequences without a key). */
  resetState(stateKey?: string): void {
    for (const r of this.#runners.values()) r.resetState(stateKey);
  }

  async close(): Promise<void> {
    await Promise.all([...this.#runners.values()].map((r) => r.close()));
  }
}

/** Opens a bundle, runs one step and closes it. */
export async function runBundle(
  bundleDir: string,
  inputs: Record<string, Tensor>,
  opts: BundleRunnerOptions & BundleRunOptions = {},
): Promise<BundleRunResult> {
  const runner = await BundleRunner.open(bundleDir, opts);
  try {
    return await runner.run(inputs, opts);
  } finally {
    await runner.close();
  }
}
