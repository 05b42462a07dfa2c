// The worker's side of an execution: accept an assignment for a task it has loaded (only from the
// client it names, and only from an allowed client when a list is configured), register the
// task's inputs with the tensor inbox at once (nothing is accepted for an execution before that),
// run the task, hand each output to the next task (in memory when that task runs here too, else
// on a tensor stream to its peer; the model outputs to the client), then report to the client.
import type { Libp2p, PeerId } from '@libp2p/interface';
import {
  type AssignMessage,
  type ExecutionControl,
  ExecutionRejection,
  type ReportMessage,
} from '../../../protocols/execution/index.js';
import type { TensorStream } from '../../../protocols/tensor-stream/index.js';
import type { BundleManifest } from '../../../storage/bundle/manifest.js';
import { isCodedError } from '../../../storage/errors/index.js';
import type { Tensor } from '../../../storage/tensors/tensor.js';
import type { TaskRunner } from '../../engine/task-runner.js';
import { SplitUpError } from '../../errors.js';
import { knownPeer } from '../../scheduling/dial.js';
import { groupRoutes } from '../../scheduling/routes.js';
import { WorkerErrorCode } from './errors.js';
import { handOutputs } from './hand-outputs.js';

/**
 * Longest a worker waits for an assignment's inputs, whatever deadline the client asked for: an
 * input that has not come in 10 minutes is not coming, and the inputs that did come are freed then.
 */
export const MAX_INPUT_WAIT_MS = 10 * 60_000;
/**
 * Assignments of one client accepted and not yet reported. An inference assigns each task once;
 * 64 leaves room for many concurrent inferences, while a stranger acting as a client cannot make
 * this worker hold (and await inputs for) an unbounded number of them.
 */
export const MAX_ACTIVE_ASSIGNMENTS_PER_CLIENT = 64;

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
  /** PeerId strings of the only clients whose assignments are accepted; empty or absent: any. */
  acceptClients?: readonly string[];
}

type WorkerNode = Pick<Libp2p<WorkerServices>, 'services' | 'peerStore' | 'peerId'>;

/** What a report says about a failure: our code when it is one of ours, else TASK_FAILED. */
function failureOf(err: unknown): { code: string; message: string } {
  if (isCodedError(err)) return { code: err.code, message: err.message };
  return { code: WorkerErrorCode.TASK_FAILED, message: err instanceof Error ? err.message : String(err) };
}

export class WorkerExecutor {
  readonly #init: WorkerExecutorInit;
  #bundle: LoadedBundle | undefined;
  #node: WorkerNode | undefined;
  /** Per task, the tail of its run queue: one instance at a time per loaded session. */
  readonly #queues = new Map<string, Promise<void>>();
  readonly #inflight = new Set<Promise<void>>();
  /** Accepted, not yet reported assignments per client PeerId string. */
  readonly #activeByClient = new Map<string, number>();
  readonly #acceptClients: ReadonlySet<string> | undefined;
  readonly #shutdown = new AbortController();

  /** Starts empty (refusing work) when no bundle is given; `load()` it once the weights are in. */
  constructor(init: WorkerExecutorInit = {}, bundle?: LoadedBundle) {
    this.#init = init;
    this.#bundle = bundle;
    const allowed = init.acceptClients ?? [];
    this.#acceptClients = allowed.length === 0 ? undefined : new Set(allowed);
  }

  attach(node: WorkerNode): void {
    this.#node = node;
  }

  load(bundle: LoadedBundle): void {
    if (this.#bundle !== undefined)
      throw new SplitUpError(WorkerErrorCode.ALREADY_LOADED, 'this worker already serves a bundle');
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
  readonly onAssign = (msg: AssignMessage, from: PeerId): void => {
    // Who may assign comes first: a stranger learns nothing else, and nothing is registered for it.
    const sender = from.toString();
    if (msg.client.peer !== sender)
      throw new ExecutionRejection(
        WorkerErrorCode.CLIENT_MISMATCH,
        `the assignment names client ${msg.client.peer}, but ${sender} sent it`,
      );
    if (this.#acceptClients !== undefined && !this.#acceptClients.has(sender))
      throw new ExecutionRejection(
        WorkerErrorCode.UNAUTHORIZED_CLIENT,
        `this worker accepts assignments only from its configured clients, not from ${sender}`,
      );
    const active = this.#activeByClient.get(sender) ?? 0;
    if (active >= MAX_ACTIVE_ASSIGNMENTS_PER_CLIENT)
      throw new ExecutionRejection(
        WorkerErrorCode.TOO_MANY_ASSIGNMENTS,
        `client ${sender} already has ${active} assignments running here`,
      );
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
    this.#activeByClient.set(sender, active + 1);
    // #run registers the inputs with the inbox synchronously, before this returns (and so before
    // the client, which waits for every acknowledgement, sends any input).
    const job = this.#run(msg, runner).finally(() => {
      this.#inflight.delete(job);
      const left = (this.#activeByClient.get(sender) ?? 1) - 1;
      if (left > 0) this.#activeByClient.set(sender, left);
      else this.#activeByClient.delete(sender);
    });
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
      const { code, message } = failureOf(err);
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
      log('report.failed', { execution: msg.executionId, task: msg.taskId, ...failureOf(err) });
    }
  }

  async #sendOutputs(
    node: WorkerNode,
    msg: AssignMessage,
    outputs: Record<string, Tensor>,
    signal: AbortSignal,
  ): Promise<void> {
    const self = node.peerId.toString();
    await handOutputs(groupRoutes(msg.routes), outputs, self, {
      local: (task, tensors) => node.services.tensorStream.deliverLocal(msg.executionId, task, tensors, self),
      remote: async (ref, task, tensors) => {
        const peer = await knownPeer(node, ref);
        await node.services.tensorStream.send(peer, msg.executionId, task, tensors, { signal });
      },
    });
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
