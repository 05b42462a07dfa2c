// Runs a whole bundle in this process: one TaskRunner (worker thread) per task, tasks started as
// soon as their inputs exist, so independent tasks run concurrently. State stays in each task's
// runner between steps; runSteps drives N decode steps.
import { performance } from 'node:perf_hooks';
import { type BundleManifest, MODEL_ENDPOINT } from '../../storage/bundle/manifest.js';
import { copyTensor, type Tensor } from '../../storage/tensors/tensor.js';
import { openBundle, type VerifiedBundle } from '../model/bundle/open.js';
import { type EndpointKey, endpointKey } from '../model/bundle/wiring.js';
import { checkInputs } from './check-tensors.js';
import { type ExecutionSchedule, type ScheduledTask, scheduleBundle } from './execution-schedule.js';
import { TaskRunner } from './task-runner.js';

export interface BundleRunnerOptions {
  /** Intra-op threads per task session. */
  threads?: number;
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

export class BundleRunner {
  readonly manifest: BundleManifest;
  readonly schedule: ExecutionSchedule;
  readonly #runners: Map<string, TaskRunner>;

  private constructor(
    manifest: BundleManifest,
    schedule: ExecutionSchedule,
    runners: Map<string, TaskRunner>,
  ) {
    this.manifest = manifest;
    this.schedule = schedule;
    this.#runners = runners;
  }

  /**
   * Loads every task's session of a bundle: one opened by openBundle (every task verified), or a
   * folder, which is opened here.
   */
  static async open(
    bundleOrDir: VerifiedBundle | string,
    opts: BundleRunnerOptions = {},
  ): Promise<BundleRunner> {
    const bundle = typeof bundleOrDir === 'string' ? await openBundle(bundleOrDir) : bundleOrDir;
    const { manifest } = bundle;
    const schedule = scheduleBundle(bundle);
    const runnerOpts = opts.threads === undefined ? {} : { threads: opts.threads };
    const opened = await Promise.allSettled(
      manifest.tasks.map((t) => TaskRunner.openTask(bundle, t.id, runnerOpts)),
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
    return new BundleRunner(manifest, schedule, runners);
  }

  runner(taskId: string): TaskRunner | undefined {
    return this.#runners.get(taskId);
  }

  /** Model inputs the sequence's next run needs: state seeds drop out once their tasks hold state. */
  requiredInputs(stateKey?: string): string[] {
    return this.manifest.model.inputs
      .map((s) => s.name)
      .filter((name) => {
        const seeds = this.schedule.stateSeeds.get(name) ?? [];
        const seedOnly =
          seeds.length > 0 &&
          seeds.length === this.#inputUses(name) &&
          seeds.every((s) => this.#runners.get(s.task)!.hasStateFor(stateKey));
        return !seedOnly;
      });
  }

  /** How many connections read model input `name`. */
  #inputUses(name: string): number {
    return this.schedule.consumers.get(endpointKey({ task: MODEL_ENDPOINT, tensor: name })) ?? 0;
  }

  /** Runs one step of the model: validates inputs, runs tasks in DAG order, returns model outputs. */
  async run(inputs: Record<string, Tensor>, opts: BundleRunOptions = {}): Promise<BundleRunResult> {
    const started = performance.now();
    const required = new Set(this.requiredInputs(opts.stateKey));
    const optional = new Set(this.manifest.model.inputs.map((s) => s.name).filter((n) => !required.has(n)));
    checkInputs(`model ${this.manifest.model.name}`, this.manifest.model.inputs, inputs, optional);

    const available = new Map<EndpointKey, Tensor>();
    const usesLeft = new Map(this.schedule.consumers);
    const callerOwned = new Set<EndpointKey>();
    for (const [name, t] of Object.entries(inputs)) {
      const key = endpointKey({ task: MODEL_ENDPOINT, tensor: name });
      available.set(key, t);
      if (!opts.transferInputs) callerOwned.add(key);
    }
    const taskMs: Record<string, number> = {};

    /** The tensor for one consumer; a copy unless this is its last use and we may move it. */
    const take = (key: EndpointKey): Tensor | undefined => {
      const t = available.get(key);
      if (!t) return undefined;
      const left = (usesLeft.get(key) ?? 1) - 1;
      usesLeft.set(key, left);
      if (left > 0 || callerOwned.has(key)) return copyTensor(t);
      available.delete(key);
      return t;
    };

    const runTask = async (scheduled: ScheduledTask): Promise<void> => {
      const runner = this.#runners.get(scheduled.task.id)!;
      const taskInputs: Record<string, Tensor> = {};
      for (const [input, src] of scheduled.sources) {
        const t = take(endpointKey(src));
        if (t) taskInputs[input] = t; // absent only for a state input whose seed was omitted
      }
      opts.onTaskEvent?.({ task: scheduled.task.id, phase: 'start' });
      const result = await runner.execute(taskInputs, {
        returnState: scheduled.returnsState,
        transfer: true,
        ...(opts.stateKey === undefined ? {} : { stateKey: opts.stateKey }),
      });
      opts.onTaskEvent?.({ task: scheduled.task.id, phase: 'end' });
      taskMs[scheduled.task.id] = result.computeMs;
      for (const [name, t] of Object.entries(result.outputs)) {
        const key = endpointKey({ task: scheduled.task.id, tensor: name });
        if (usesLeft.has(key)) available.set(key, t);
      }
    };

    await this.#runInOrder(runTask);
    const outputs: Record<string, Tensor> = {};
    for (const [name, src] of this.schedule.outputSources) outputs[name] = take(endpointKey(src))!;
    return { outputs, wallMs: performance.now() - started, taskMs };
  }

  /** Starts each task when the tasks it reads from are done; the first failure wins. */
  async #runInOrder(runTask: (scheduled: ScheduledTask) => Promise<void>): Promise<void> {
    const done = new Set<string>();
    const started = new Set<string>();
    let failure: unknown;
    await new Promise<void>((resolve) => {
      let inFlight = 0;
      const launch = (): void => {
        if (failure === undefined) {
          for (const scheduled of this.schedule.order) {
            if (started.has(scheduled.task.id) || ![...scheduled.dependsOn].every((d) => done.has(d)))
              continue;
            started.add(scheduled.task.id);
            inFlight++;
            runTask(scheduled).then(
              () => {
                done.add(scheduled.task.id);
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
