// Main-thread handle of one session worker thread: starts it, sends run requests, turns worker
// failures into typed errors. A crashed host stays crashed; its owner starts a new one.
import { Worker } from 'node:worker_threads';
import type { StateBinding } from '../../storage/bundle/manifest.js';
import type { Tensor } from '../../storage/tensors/tensor.js';
import { SplitUpError } from '../errors.js';
import { SESSION_DISPOSE_TIMEOUT_MS, SESSION_LOAD_TIMEOUT_MS } from './constants.js';
import { EngineErrorCode } from './errors.js';
import type { DeterministicSessionOptions } from './session-options.js';
import { transferableBuffers } from './transfer.js';
import type { SessionWorkerData, ValueInfo, WorkerReply, WorkerRequest } from './worker-protocol.js';

const BOOT_URL = new URL('./worker-boot.mjs', import.meta.url);
const ENTRY_URL = new URL('./session-worker.ts', import.meta.url).href;

export interface HostRunResult {
  outputs: Record<string, Tensor>;
  /** Milliseconds inside onnxruntime's run, measured in the worker. */
  computeMs: number;
  /** With `transfer`: the input buffers, moved back after the run, free for the caller to reuse. */
  returnedInputs: ArrayBuffer[];
}

/** The state slot used when the caller runs a single sequence. */
export const DEFAULT_STATE_KEY = 'default';

export interface HostRunOptions {
  returnState?: boolean;
  /** Which sequence's state to use (default DEFAULT_STATE_KEY). */
  stateKey?: string;
  /** Move the inputs' buffers to the worker instead of copying them (they become unusable here). */
  transfer?: boolean;
}

interface Pending {
  resolve: (result: HostRunResult) => void;
  reject: (err: Error) => void;
}

export class SessionHost {
  readonly inputs: ValueInfo[];
  readonly outputs: ValueInfo[];
  readonly #worker: Worker;
  readonly #label: string;
  readonly #pending = new Map<number, Pending>();
  #nextId = 1;
  #failure: SplitUpError | undefined;
  #disposing = false;
  #onDisposed: (() => void) | undefined;

  private constructor(worker: Worker, label: string, inputs: ValueInfo[], outputs: ValueInfo[]) {
    this.#worker = worker;
    this.#label = label;
    this.inputs = inputs;
    this.outputs = outputs;
    worker.on('message', (reply: WorkerReply) => this.#onReply(reply));
    worker.on('error', (err) => this.#fail(`crashed: ${err.message}`, err));
    worker.on('exit', (code) => {
      if (this.#disposing) this.#onDisposed?.();
      else this.#fail(`exited unexpectedly with code ${code}`);
    });
  }

  /** Starts a worker thread and loads the model there. `label` names the task in errors. */
  static async start(
    label: string,
    modelPath: string,
    options: DeterministicSessionOptions,
    state: StateBinding[],
  ): Promise<SessionHost> {
    const workerData: SessionWorkerData = { entry: ENTRY_URL, modelPath, options, state };
    // No inherited --import flags: they would load .ts files before the boot file registers tsx.
    const worker = new Worker(BOOT_URL, { workerData, execArgv: [] });
    return new Promise<SessionHost>((resolve, reject) => {
      const timer = setTimeout(() => {
        void worker.terminate();
        reject(
          new SplitUpError(
            EngineErrorCode.LOAD_TIMEOUT,
            `task ${label}: session did not load within ${SESSION_LOAD_TIMEOUT_MS} ms`,
          ),
        );
      }, SESSION_LOAD_TIMEOUT_MS);
      const cleanup = () => {
        clearTimeout(timer);
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
      };
      const onMessage = (reply: WorkerReply) => {
        cleanup();
        if (reply.op === 'ready') resolve(new SessionHost(worker, label, reply.inputs, reply.outputs));
        else {
          void worker.terminate();
          const message = reply.op === 'load-error' ? reply.message : `unexpected reply ${reply.op}`;
          reject(
            new SplitUpError(
              EngineErrorCode.LOAD_FAILED,
              `task ${label}: onnxruntime cannot load ${modelPath}: ${message}`,
              { modelPath },
            ),
          );
        }
      };
      const onError = (err: Error) => {
        cleanup();
        reject(
          new SplitUpError(
            EngineErrorCode.WORKER_CRASHED,
            `task ${label}: session worker failed to start: ${err.message}`,
            {},
            { cause: err },
          ),
        );
      };
      const onExit = (code: number) => {
        cleanup();
        reject(
          new SplitUpError(
            EngineErrorCode.WORKER_CRASHED,
            `task ${label}: session worker exited with code ${code} while loading`,
          ),
        );
      };
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.on('exit', onExit);
    });
  }

  /** Set once the worker died; every later call fails with it. */
  get failure(): SplitUpError | undefined {
    return this.#failure;
  }

  run(inputs: Record<string, Tensor>, opts: HostRunOptions = {}): Promise<HostRunResult> {
    if (this.#failure) return Promise.reject(this.#failure);
    if (this.#disposing) return Promise.reject(this.#closedError());
    const id = this.#nextId++;
    const request: WorkerRequest = {
      op: 'run',
      id,
      inputs,
      returnState: opts.returnState ?? false,
      stateKey: opts.stateKey ?? DEFAULT_STATE_KEY,
      returnInputs: opts.transfer ?? false,
    };
    return new Promise<HostRunResult>((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#worker.postMessage(request, opts.transfer ? transferableBuffers(Object.values(inputs)) : []);
    });
  }

  resetState(stateKey?: string): void {
    this.#send({ op: 'reset-state', stateKey });
  }

  /** Kills the worker thread with an uncaught error, as a real crash would (for tests). */
  crash(): void {
    this.#send({ op: 'crash' });
  }

  /** Releases the session and ends the thread; pending runs fail with ENGINE_RUNNER_CLOSED. */
  async dispose(): Promise<void> {
    if (this.#disposing) return;
    this.#disposing = true;
    if (this.#failure) return;
    const exited = new Promise<void>((resolve) => {
      this.#onDisposed = resolve;
    });
    this.#worker.postMessage({ op: 'dispose' } satisfies WorkerRequest);
    const timer = setTimeout(() => void this.#worker.terminate(), SESSION_DISPOSE_TIMEOUT_MS);
    await exited;
    clearTimeout(timer);
    this.#rejectAll(this.#closedError());
  }

  #closedError(): SplitUpError {
    return new SplitUpError(EngineErrorCode.RUNNER_CLOSED, `task ${this.#label}: the runner was closed`);
  }

  #send(request: WorkerRequest): void {
    if (this.#failure) throw this.#failure;
    if (this.#disposing) throw this.#closedError();
    this.#worker.postMessage(request);
  }

  #onReply(reply: WorkerReply): void {
    if (reply.op !== 'result' && reply.op !== 'run-error') return;
    const pending = this.#pending.get(reply.id);
    if (!pending) return;
    this.#pending.delete(reply.id);
    if (reply.op === 'result') {
      pending.resolve({
        outputs: reply.outputs,
        computeMs: reply.computeMs,
        returnedInputs: reply.returnedInputs,
      });
    } else {
      // Only our own table's codes cross from the worker thread; anything else is a run failure.
      const known = (Object.values(EngineErrorCode) as string[]).includes(reply.code);
      const code = known ? reply.code : EngineErrorCode.RUN_FAILED;
      pending.reject(new SplitUpError(code, `task ${this.#label}: ${reply.message}`));
    }
  }

  #fail(what: string, cause?: unknown): void {
    if (this.#failure) return;
    this.#failure = new SplitUpError(
      EngineErrorCode.WORKER_CRASHED,
      `task ${this.#label}: session worker ${what}`,
      {},
      { cause },
    );
    this.#rejectAll(this.#failure);
    if (this.#disposing) this.#onDisposed?.();
  }

  #rejectAll(err: Error): void {
    for (const p of this.#pending.values()) p.reject(err);
    this.#pending.clear();
  }
}
