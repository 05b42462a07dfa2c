// Messages between a SessionHost (main thread) and its session worker thread.

import type { StateBinding } from '../../storage/bundle/manifest.js';
import type { Dim, DType, Tensor } from '../../storage/tensors/tensor.js';
import type { DeterministicSessionOptions } from './session-options.js';

/** Passed as workerData when the worker starts; the worker creates its session from it. */
export interface SessionWorkerData {
  /** URL of the TypeScript module the boot file imports (session-worker.ts). */
  entry: string;
  modelPath: string;
  options: DeterministicSessionOptions;
  state: StateBinding[];
}

/** Input or output metadata as onnxruntime reports it (symbolic dims as their names). */
export interface ValueInfo {
  name: string;
  /** An onnxruntime type name (e.g. 'float32'); undefined for non-tensor values. */
  type: string | undefined;
  shape: Dim[];
}

export type WorkerRequest =
  | {
      op: 'run';
      id: number;
      inputs: Record<string, Tensor>;
      /** Copy state outputs back too (the worker keeps its own for the next step). */
      returnState: boolean;
      /** Which sequence's state to read and update (one task may serve several sequences). */
      stateKey: string;
      /** Move the input buffers back with the result (they were transferred here), for reuse. */
      returnInputs: boolean;
    }
  /** Drops one sequence's state, or every sequence's when stateKey is undefined. */
  | { op: 'reset-state'; stateKey: string | undefined }
  | { op: 'dispose' }
  /** Makes the worker thread die of an uncaught error; lets tests exercise crash handling. */
  | { op: 'crash' };

export type WorkerReply =
  | { op: 'ready'; inputs: ValueInfo[]; outputs: ValueInfo[] }
  | { op: 'load-error'; message: string }
  | {
      op: 'result';
      id: number;
      outputs: Record<string, Tensor>;
      computeMs: number;
      /** The input buffers, moved back when the request asked for them. */
      returnedInputs: ArrayBuffer[];
    }
  | { op: 'run-error'; id: number; code: string; message: string }
  | { op: 'disposed' };

export type { DType };
