// What DAG validation reads: the parts of a BundleManifest that describe the task graph. A
// BundleManifest is assignable to DagModel.

import type { Connection, StateBinding } from '../../../storage/bundle/manifest.js';
import type { TensorSpec } from '../../../storage/tensors/tensor.js';
import type { DagErrorCode } from './codes.js';

export interface DagTask {
  id: string;
  inputs: readonly TensorSpec[];
  outputs: readonly TensorSpec[];
  state?: readonly StateBinding[];
}

export interface DagModel {
  model: { inputs: readonly TensorSpec[]; outputs: readonly TensorSpec[] };
  tasks: readonly DagTask[];
  connections: readonly Connection[];
}

export interface DagViolation {
  code: DagErrorCode;
  message: string;
  /** The offending task id, or MODEL_ENDPOINT for the model's own inputs/outputs. */
  task: string;
  /** The offending tensor name ('' when the violation is about a task as a whole). */
  tensor: string;
  /** Index into `connections` when a connection is at fault. */
  connection?: number;
  /** For DAG_CYCLE: the task ids around the cycle, in flow order. */
  cycle?: string[];
}
