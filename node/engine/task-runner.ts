// Runs one task (or a whole model) off the main thread with deterministic settings. The session
// loads once and stays loaded; state bindings (KV cache) carry step t's output into step t+1
// inside the worker. A worker peer hosts several of these in one process.
import { access } from 'node:fs/promises';
import type { BundleManifest, StateBinding } from '../../storage/bundle/manifest.js';
import type { Tensor, TensorSpec } from '../../storage/tensors/tensor.js';
import { SplitUpError } from '../errors.js';
import type { VerifiedBundle } from '../model/bundle/open.js';
import { checkInputs, checkInterface, checkOutputs } from './check-tensors.js';
import { DEFAULT_INTRA_OP_THREADS, MAX_INTRA_OP_THREADS } from './constants.js';
import { EngineErrorCode } from './errors.js';
import { DEFAULT_STATE_KEY, type HostRunResult, SessionHost } from './session-host.js';
import { deterministicSessionOptions } from './session-options.js';

/** What a runner needs to know about the model it runs: a task of a bundle, or a whole model. */
export interface RunnableSpec {
  id: string;
  inputs: TensorSpec[];
  outputs: TensorSpec[];
  state: StateBinding[];
}

export interface TaskRunnerOptions {
  /** Intra-op threads of the session (results are bit-identical for any count). */
  threads?: number;
}

export interface TaskRunOptions {
  /** Also return the state outputs (copies; the runner keeps its own for the next step). */
  returnState?: boolean;
  /**
   * Which sequence's state to use: a task serving several inferences at once keeps one state
   * (e.g. KV cache) per key, such as an execution id. Default: one shared sequence.
   */
  stateKey?: string;
  /** Move input buffers into the worker instead of copying them; the caller must not use them after. */
  transfer?: boolean;
}

/** Throws ENGINE_MODEL_MISSING when the model file is not there. */
async function checkPresent(label: string, path: string): Promise<void> {
  try {
    await access(path);
  } catch {
    throw new SplitUpError(EngineErrorCode.MODEL_MISSING, `${label}: file ${path} does not exist`, { path });
  }
}

function checkThreads(threads: number): number {
  if (!Number.isInteger(threads) || threads < 1 || threads > MAX_INTRA_OP_THREADS) {
    throw new SplitUpError(
      EngineErrorCode.THREADS_INVALID,
      `thread count must be an integer from 1 to ${MAX_INTRA_OP_THREADS}, got ${threads}`,
    );
  }
  return threads;
}

export class TaskRunner {
  readonly spec: RunnableSpec;
  readonly modelPath: string;
  readonly #runtime: BundleManifest['runtime'];
  readonly #threads: number;
  readonly #label: string;
  #host: SessionHost;
  /** Sequences (state keys) for which a run produced state, so state inputs may be omitted. */
  readonly #stateKeys = new Set<string>();
  #closed = false;

  private constructor(
    spec: RunnableSpec,
    modelPath: string,
    runtime: BundleManifest['runtime'],
    threads: number,
    host: SessionHost,
  ) {
    this.spec = spec;
    this.modelPath = modelPath;
    this.#runtime = runtime;
    this.#threads = threads;
    this.#label = `task ${spec.id}`;
    this.#host = host;
  }

  /**
   * Opens a task of a verified bundle. openBundle checked its files' hashes; they are not read
   * again here (onnxruntime reads them to load the session).
   */
  static async openTask(
    bundle: VerifiedBundle,
    taskId: string,
    opts: TaskRunnerOptions = {},
  ): Promise<TaskRunner> {
    const { task, modelPath } = bundle.verifiedTask(taskId);
    return TaskRunner.open(task, modelPath, bundle.manifest.runtime, opts);
  }

  /** Opens any ONNX file whose interface is `spec` (e.g. the unsplit model for `run --check`). */
  static async open(
    spec: RunnableSpec,
    modelPath: string,
    runtime: BundleManifest['runtime'],
    opts: TaskRunnerOptions = {},
  ): Promise<TaskRunner> {
    const threads = checkThreads(opts.threads ?? DEFAULT_INTRA_OP_THREADS);
    await checkPresent(`task ${spec.id}`, modelPath);
    const host = await TaskRunner.#startHost(spec, modelPath, runtime, threads);
    return new TaskRunner(spec, modelPath, runtime, threads, host);
  }

  static async #startHost(
    spec: RunnableSpec,
    modelPath: string,
    runtime: BundleManifest['runtime'],
    threads: number,
  ): Promise<SessionHost> {
    const options = deterministicSessionOptions(runtime.graphOptimizationLevel, threads);
    const host = await SessionHost.start(spec.id, modelPath, options, spec.state);
    try {
      checkInterface(`task ${spec.id}`, 'input', spec.inputs, host.inputs);
      checkInterface(`task ${spec.id}`, 'output', spec.outputs, host.outputs);
    } catch (err) {
      await host.dispose();
      throw err;
    }
    return host;
  }

  /** True when the runner holds state for the sequence (state inputs may then be omitted). */
  hasStateFor(stateKey: string = DEFAULT_STATE_KEY): boolean {
    return this.#stateKeys.has(stateKey);
  }

  /** hasStateFor() of the default sequence. */
  get hasState(): boolean {
    return this.hasStateFor();
  }

  /** True when the worker thread died; call restart() to continue. */
  get crashed(): boolean {
    return this.#host.failure !== undefined;
  }

  /** State inputs the caller must supply on the sequence's next run. */
  requiredStateInputs(stateKey: string = DEFAULT_STATE_KEY): string[] {
    return this.hasStateFor(stateKey) ? [] : this.spec.state.map((b) => b.input);
  }

  /**
   * Runs one step. State inputs may be omitted once the runner holds state; a given state input
   * replaces the held one (starts a new sequence).
   */
  async run(inputs: Record<string, Tensor>, opts: TaskRunOptions = {}): Promise<Record<string, Tensor>> {
    return (await this.execute(inputs, opts)).outputs;
  }

  /** Like run(), with the milliseconds spent inside onnxruntime. */
  async execute(inputs: Record<string, Tensor>, opts: TaskRunOptions = {}): Promise<HostRunResult> {
    if (this.#closed)
      throw new SplitUpError(EngineErrorCode.RUNNER_CLOSED, `${this.#label}: the runner was closed`);
    if (this.#host.failure) {
      throw new SplitUpError(
        EngineErrorCode.RUNNER_CRASHED,
        `${this.#label}: the session worker crashed earlier; call restart()`,
        {},
        {
          cause: this.#host.failure,
        },
      );
    }
    const stateKey = opts.stateKey ?? DEFAULT_STATE_KEY;
    const optional = new Set(this.hasStateFor(stateKey) ? this.spec.state.map((b) => b.input) : []);
    checkInputs(this.#label, this.spec.inputs, inputs, optional);
    const result = await this.#host.run(inputs, { ...opts, stateKey });
    if (this.spec.state.length > 0) this.#stateKeys.add(stateKey);
    checkOutputs(this.#label, this.spec.outputs, result.outputs);
    return result;
  }

  /** Drops one sequence's state (every sequence's without a key); its next run needs state inputs again. */
  resetState(stateKey?: string): void {
    if (stateKey === undefined) this.#stateKeys.clear();
    else this.#stateKeys.delete(stateKey);
    if (this.#host.failure || this.#closed) return;
    this.#host.resetState(stateKey);
  }

  /** Starts a fresh worker and session (after a crash, or to drop everything); state is lost. */
  async restart(): Promise<void> {
    if (this.#closed)
      throw new SplitUpError(EngineErrorCode.RUNNER_CLOSED, `${this.#label}: the runner was closed`);
    await this.#host.dispose();
    this.#stateKeys.clear();
    this.#host = await TaskRunner.#startHost(this.spec, this.modelPath, this.#runtime, this.#threads);
  }

  /** Simulates a worker crash (tests of crash handling). */
  crashWorkerForTest(): void {
    this.#host.crash();
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#host.dispose();
  }
}
