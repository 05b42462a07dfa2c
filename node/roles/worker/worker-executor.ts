// The worker's side of an execution: accept an assignment for a task it has loaded, wait for the
// task's inputs on the tensor stream, run the task, stream each output to the peer of the next
// task (or the model outputs to the client), then report to the client.
import type { Libp2p, PeerId } from '@libp2p/interface';
import {
  type AssignMessage,
  type ExecutionControl,
  ExecutionRejection,
  type ReportMessage,
} from '../../../protocols/execution/index.js';
import type { TensorStream } from '../../../protocols/tensor-stream/index.js';
import type { BundleManifest } from '../../../storage/bundle/manifest.js';
import type { Tensor, TensorSpec } from '../../../storage/tensors/tensor.js';
import type { TaskRunner } from '../../engine/task-runner.js';
import { knownPeer } from '../../scheduling/dial.js';
import { groupRoutes } from '../../scheduling/routes.js';
import { WorkerErrorCode } from './errors.js';

/** Longest a worker waits for an assignment's inputs, whatever deadline the client asked for. */
export const MAX_INPUT_WAIT_MS = 10 * 60_000;

export type WorkerServices = {
  tensorStream: TensorStream;
  execution: ExecutionControl;
};

/** What a worker serves: one bundle and the loaded sessions of its tasks. */
export interface LoadedBundle {
  manifest: BundleManifest;
  /** sha256 of the bundle's manifest.json: assignments naming another bundle are refused. */
  bundleId: string;
  /** Loaded task runners, by task id. */
  runners: Map<string, TaskRunner>;
}

export interface WorkerExecutorInit {
  log?: (event: string, fields: Record<string, unknown>) => void;
}

type WorkerNode = Pick<Libp2p<WorkerServices>, 'services' | 'peerStore'>;

function errorFields(err: unknown): { code: string; message: string } {
  const e = err as { code?: unknown; message?: unknown };
  return {
    code: typeof e?.code === 'string' ? e.code : WorkerErrorCode.TASK_FAILED,
    message: typeof e?.message === 'string' ? e.message : String(err),
  };
}

export class WorkerExecutor {
  readonly #init: WorkerExecutorInit;
  #bundle: LoadedBundle | undefined;
  #node: WorkerNode | undefined;
  /** Per task, the tail of its run queue: one instance at a time per loaded session. */
  readonly #queues = new Map<string, Promise<void>>();
  readonly #inflight = new Set<Promise<void>>();
  readonly #shutdown = new AbortController();

  /** Starts empty (refusing work) when no bundle is given; `load()` it once the weights are in. */
  constructor(init: WorkerExecutorInit = {}, bundle?: LoadedBundle) {
    this.#init = init;
    this.#bundle = bundle;
  }

  /** The tensor stream's `interfaceFor`: only loaded tasks accept tensors. */
  readonly interfaceFor = (taskId: string): readonly TensorSpec[] | undefined =>
    this.#bundle?.runners.get(taskId)?.spec.inputs;

  attach(node: WorkerNode): void {
    this.#node = node;
  }

  load(bundle: LoadedBundle): void {
    if (this.#bundle !== undefined) throw new Error('WorkerExecutor.load: a bundle is already loaded');
    this.#bundle = bundle;
  }

  /** Task instances accepted and not yet reported. */
  get activeInstances(): number {
    return this.#inflight.size;
  }

  get loadedTasks(): string[] {
    return [...(this.#bundle?.runners.keys() ?? [])];
  }

  /** The execution protocol's `onAssign`: refuse fast, then run in the background. */
  readonly onAssign = (msg: AssignMessage, _from: PeerId): void => {
    const bundle = this.#bundle;
    if (this.#node === undefined || bundle === undefined)
      throw new ExecutionRejection(WorkerErrorCode.NOT_READY, 'worker is still loading its tasks');
    if (msg.bundleId !== bundle.bundleId)
      throw new ExecutionRejection(
        WorkerErrorCode.WRONG_BUNDLE,
        `this worker runs bundle ${bundle.bundleId}`,
      );
    const runner = bundle.runners.get(msg.taskId);
    if (runner === undefined)
      throw new ExecutionRejection(
        WorkerErrorCode.TASK_NOT_LOADED,
        `task '${msg.taskId}' is not loaded here`,
      );
    const outputs = new Set(runner.spec.outputs.map((o) => o.name));
    const unknown = msg.routes.find((r) => !outputs.has(r.output));
    if (unknown)
      throw new ExecutionRejection(WorkerErrorCode.BAD_ROUTE, `task has no output '${unknown.output}'`);
    // Every input needs its one sender named, or any peer could feed this task.
    const inputs = runner.spec.inputs.map((i) => i.name);
    const sourced = new Set(msg.sources.map((s) => s.tensor));
    const unsourced = inputs.find((name) => !sourced.has(name));
    const foreign = msg.sources.find((s) => !inputs.includes(s.tensor));
    if (unsourced !== undefined || foreign !== undefined) {
      throw new ExecutionRejection(
        WorkerErrorCode.BAD_SOURCES,
        unsourced !== undefined
          ? `assignment names no sender for input '${unsourced}'`
          : `task has no input '${foreign!.tensor}'`,
      );
    }
    this.#init.log?.('task.assigned', { execution: msg.executionId, task: msg.taskId });
    const job = this.#run(msg, runner).finally(() => this.#inflight.delete(job));
    this.#inflight.add(job);
  };

  async #run(msg: AssignMessage, runner: TaskRunner): Promise<void> {
    const node = this.#node!;
    const log = this.#init.log ?? (() => undefined);
    const waitMs = Math.min(Math.max(0, msg.deadline - Date.now()), MAX_INPUT_WAIT_MS);
    const signal = AbortSignal.any([AbortSignal.timeout(waitMs), this.#shutdown.signal]);
    let report: ReportMessage;
    try {
      const inputs = await node.services.tensorStream.awaitTensors(
        msg.executionId,
        msg.taskId,
        runner.spec.inputs,
        signal,
        Object.fromEntries(msg.sources.map((s) => [s.tensor, s.peer])),
      );
      const result = await this.#serialized(msg.taskId, () => runner.execute(inputs, { transfer: true }));
      // The engine moved the input buffers back: the next receive of the same size reuses them.
      node.services.tensorStream.recycle(result.returnedInputs);
      const outputs = result.outputs;
      log('task.ran', { execution: msg.executionId, task: msg.taskId });
      await this.#sendOutputs(node, msg, outputs, signal);
      report = { type: 'report', executionId: msg.executionId, taskId: msg.taskId, status: 'done' };
    } catch (err) {
      const { code, message } = errorFields(err);
      log('task.failed', { execution: msg.executionId, task: msg.taskId, code, message });
      report = {
        type: 'report',
        executionId: msg.executionId,
        taskId: msg.taskId,
        status: 'failed',
        code,
        message,
      };
    }
    try {
      const client = await knownPeer(node, msg.client);
      await node.services.execution.send(client, report, { signal: this.#shutdown.signal });
    } catch (err) {
      log('report.failed', { execution: msg.executionId, task: msg.taskId, ...errorFields(err) });
    }
  }

  async #sendOutputs(
    node: WorkerNode,
    msg: AssignMessage,
    outputs: Record<string, Tensor>,
    signal: AbortSignal,
  ): Promise<void> {
    await Promise.all(
      groupRoutes(msg.routes).map(async (group) => {
        const tensors: Record<string, Tensor> = {};
        for (const r of group.routes) tensors[r.to.tensor] = outputs[r.output]!;
        const peer = await knownPeer(node, group.peer);
        await node.services.tensorStream.send(peer, msg.executionId, group.task, tensors, { signal });
      }),
    );
  }

  #serialized<T>(taskId: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.#queues.get(taskId) ?? Promise.resolve();
    const result = prev.then(fn);
    this.#queues.set(
      taskId,
      result.then(
        () => undefined,
        () => undefined,
      ),
    );
    return result;
  }

  /** Stops waiting for inputs, lets running instances report, closes the sessions. */
  async close(): Promise<void> {
    this.#shutdown.abort();
    await Promise.allSettled([...this.#inflight]);
    await Promise.allSettled([...(this.#bundle?.runners.values() ?? [])].map((r) => r.close()));
  }
}
