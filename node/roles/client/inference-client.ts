// The client's side of an execution: assign every task of the plan, send the model inputs to the
// tasks that read them, and await the model outputs, failing fast (with the task and peer named)
// when a worker reports a failure, refuses, or disconnects before its task is done.
import { randomBytes } from 'node:crypto';
import type { Libp2p, PeerId } from '@libp2p/interface';
import {
  type ExecutionControl,
  ExecutionError,
  type ReportMessage,
} from '../../../protocols/execution/index.js';
import { type TensorStream, TensorStreamError } from '../../../protocols/tensor-stream/index.js';
import { type BundleManifest, MODEL_ENDPOINT } from '../../../storage/bundle/manifest.js';
import { isCodedError } from '../../../storage/errors/index.js';
import { specMismatch, type Tensor, type TensorSpec } from '../../../storage/tensors/tensor.js';
import { SplitUpError } from '../../errors.js';
import { knownPeer, selfRef } from '../../scheduling/dial.js';
import type { Placement } from '../../scheduling/placement.js';
import {
  modelInputDeliveries,
  modelOutputSenders,
  routesForTask,
  sourcesForTask,
} from '../../scheduling/routes.js';
import { InferenceErrorCode } from './errors.js';

/** Default time an inference may take end to end. */
export const DEFAULT_INFERENCE_TIMEOUT_MS = 120_000;

export type ClientServices = {
  tensorStream: TensorStream;
  execution: ExecutionControl;
};

type ClientNode = Pick<
  Libp2p<ClientServices>,
  'services' | 'peerStore' | 'peerId' | 'getMultiaddrs' | 'addEventListener' | 'removeEventListener'
>;

export interface InferenceRequest {
  manifest: BundleManifest;
  bundleId: string;
  plan: Placement;
  inputs: Record<string, Tensor>;
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface InferenceResult {
  executionId: string;
  outputs: Record<string, Tensor>;
  elapsedMs: number;
}

interface Pending {
  fail: (err: SplitUpError) => void;
  done: Set<string>;
}

function checkModelInputs(specs: readonly TensorSpec[], inputs: Record<string, Tensor>): void {
  for (const spec of specs) {
    const t = inputs[spec.name];
    if (t === undefined)
      throw new SplitUpError(InferenceErrorCode.INPUT_MISSING, `model input '${spec.name}' was not given`, {
        tensor: spec.name,
      });
    if (specMismatch(spec, t) !== undefined)
      throw new SplitUpError(
        InferenceErrorCode.INPUT_MISMATCH,
        `model input '${spec.name}' is ${t.dtype}[${t.shape.join('x')}], the model declares ${spec.dtype}[${spec.shape.join('x')}]`,
        { tensor: spec.name },
      );
  }
  const known = new Set(specs.map((s) => s.name));
  const extra = Object.keys(inputs).find((n) => !known.has(n));
  if (extra !== undefined)
    throw new SplitUpError(InferenceErrorCode.INPUT_UNKNOWN, `the model has no input '${extra}'`, {
      tensor: extra,
    });
}

export class InferenceClient {
  readonly #pending = new Map<string, Pending>();
  #node: ClientNode | undefined;

  attach(node: ClientNode): void {
    this.#node = node;
  }

  /** The execution protocol's `onReport`. */
  readonly onReport = (msg: ReportMessage, _from: PeerId): void => {
    const pending = this.#pending.get(msg.executionId);
    if (pending === undefined) return;
    if (msg.status === 'done') {
      pending.done.add(msg.taskId);
      return;
    }
    pending.fail(
      new SplitUpError(
        InferenceErrorCode.TASK_FAILED,
        `task '${msg.taskId}' failed on its worker: ${msg.code ?? 'UNKNOWN'}: ${msg.message ?? ''}`,
        { task: msg.taskId, remoteCode: msg.code },
      ),
    );
  };

  async infer(req: InferenceRequest): Promise<InferenceResult> {
    const node = this.#node;
    if (node === undefined)
      throw new SplitUpError(InferenceErrorCode.NOT_READY, 'the client peer is not started');
    checkModelInputs(req.manifest.model.inputs, req.inputs);
    const started = performance.now();
    const executionId = randomBytes(16).toString('hex');
    const timeoutMs = req.timeoutMs ?? DEFAULT_INFERENCE_TIMEOUT_MS;
    const abort = new AbortController();
    const signal = AbortSignal.any([abort.signal, ...(req.signal ? [req.signal] : [])]);

    let fail!: (err: SplitUpError) => void;
    const failed = new Promise<never>((_, reject) => {
      fail = (err) => {
        reject(err);
        abort.abort(err);
      };
    });
    failed.catch(() => undefined);
    const pending: Pending = { fail, done: new Set() };
    this.#pending.set(executionId, pending);

    const onDisconnect = (evt: CustomEvent<PeerId>): void => {
      const peer = evt.detail.toString();
      const tasks = req.plan.assignments.filter((a) => a.peer === peer && !pending.done.has(a.task));
      if (tasks.length > 0)
        fail(
          new SplitUpError(
            InferenceErrorCode.WORKER_LOST,
            `worker ${peer} running task(s) ${tasks.map((t) => t.task).join(', ')} disconnected`,
            { peer, tasks: tasks.map((t) => t.task) },
          ),
        );
    };
    node.addEventListener('peer:disconnect', onDisconnect);
    const timer = setTimeout(
      () =>
        fail(
          new SplitUpError(InferenceErrorCode.TIMEOUT, `no model outputs within ${timeoutMs} ms`, {
            executionId,
          }),
        ),
      timeoutMs,
    );
    try {
      // The only tensors this client accepts: the model outputs of this execution, each from the
      // worker of the task that produces it, registered before any worker hears of the execution.
      const outputs = node.services.tensorStream.awaitTensors(
        executionId,
        MODEL_ENDPOINT,
        req.manifest.model.outputs,
        signal,
        modelOutputSenders(req.manifest, req.plan),
      );
      outputs.catch(() => undefined);
      await Promise.race([this.#dispatch(node, req, executionId, timeoutMs, signal), failed]);
      const result = await Promise.race([outputs, failed]);
      return { executionId, outputs: result, elapsedMs: performance.now() - started };
    } finally {
      clearTimeout(timer);
      node.removeEventListener('peer:disconnect', onDisconnect);
      this.#pending.delete(executionId);
      abort.abort();
    }
  }

  async #dispatch(
    node: ClientNode,
    req: InferenceRequest,
    executionId: string,
    timeoutMs: number,
    signal: AbortSignal,
  ): Promise<void> {
    const client = selfRef(node);
    const deadline = Date.now() + timeoutMs;
    // Every assignment is acknowledged before any input moves: a worker accepts tensors only for
    // an (execution, task) it was assigned, so inputs sent earlier would be refused.
    await Promise.all(
      req.plan.assignments.map(async (a) => {
        const peer = await knownPeer(node, a);
        await node.services.execution
          .send(
            peer,
            {
              type: 'assign',
              executionId,
              taskId: a.task,
              bundleId: req.bundleId,
              client,
              routes: routesForTask(req.manifest, req.plan, a.task, client),
              sources: sourcesForTask(req.manifest, req.plan, a.task, client),
              deadline,
            },
            { signal },
          )
          .catch((err: unknown) => {
            throw dispatchFailure(a.task, 'assignment', err);
          });
      }),
    );
    await Promise.all(
      modelInputDeliveries(req.manifest, req.plan).map(async (d) => {
        const tensors: Record<string, Tensor> = {};
        for (const [taskInput, modelInput] of d.tensors) tensors[taskInput] = req.inputs[modelInput]!;
        const peer = await knownPeer(node, d.peer);
        await node.services.tensorStream
          .send(peer, executionId, d.task, tensors, { signal })
          .catch((err: unknown) => {
            throw dispatchFailure(d.task, 'sending model inputs', err);
          });
      }),
    );
  }
}

/**
 * A failure to assign a task or send it inputs, named by task. A refusal carries the worker's
 * code as `remoteCode`; a local failure its own code or, for libp2p's and the platform's errors
 * (a dial error, a timeout), its error name: never a bare number such as DOMException's `code`.
 */
export function dispatchFailure(task: string, what: string, err: unknown): SplitUpError {
  if (err instanceof SplitUpError) return err;
  let reason: string;
  if (err instanceof ExecutionError || err instanceof TensorStreamError) reason = err.remoteCode ?? err.code;
  else if (isCodedError(err)) reason = err.code;
  else if (err instanceof Error) reason = err.name === 'Error' ? 'ERROR' : err.name;
  else reason = 'ERROR';
  const message = err instanceof Error ? err.message : String(err);
  const hint =
    err instanceof Error && err.name === 'TimeoutError'
      ? ' (is the worker running, and are its addrs in the plan right?)'
      : '';
  return new SplitUpError(
    InferenceErrorCode.DISPATCH_FAILED,
    `${what} for task '${task}' failed: ${reason}: ${message}${hint}`,
    { task, remoteCode: reason },
    { cause: err },
  );
}
