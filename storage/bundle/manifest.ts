// The task bundle manifest: the contract between deploy (which writes it), the engine and the
// roles (which run it) and on-chain registration (which records the same facts).
import type { TensorSpec } from '../tensors/tensor.js';

export const MANIFEST_SCHEMA = 'splitup.bundle/1';
export const MANIFEST_FILE = 'manifest.json';

/** Stands for the model itself in a connection: model inputs come from it, model outputs go to it. */
export const MODEL_ENDPOINT = '@model';

export interface TensorRef {
  /** A task id, or MODEL_ENDPOINT. */
  task: string;
  tensor: string;
}

/** One edge of the model DAG: a model input or task output feeding a task input or model output. */
export interface Connection {
  from: TensorRef;
  to: TensorRef;
}

/** A weights file a task reads (external data), with its content hash and, once published, its CID. */
export interface WeightFile {
  file: string;
  bytes: number;
  sha256: string;
  cid?: string;
}

/**
 * Per-task state carried across steps on the node that runs the task (e.g. a KV cache):
 * the `output` of step t is fed back as `input` at step t+1, never streamed to another peer.
 */
export interface StateBinding {
  input: string;
  output: string;
}

export interface TaskManifest {
  id: string;
  /** The task's .onnx file, relative to the bundle folder. */
  file: string;
  /** sha256 (hex) of the .onnx file. */
  sha256: string;
  cid?: string;
  inputs: TensorSpec[];
  outputs: TensorSpec[];
  state: StateBinding[];
  /** Estimated peak device memory in bytes: weights + live activations + state + runtime margin. */
  vramBytes: number;
  /** Deterministic cost measure (see node/model/compute-units.ts). */
  computeUnits: number;
  weights: WeightFile[];
  /** Number of ONNX nodes in the task graph. */
  nodeCount: number;
}

export interface BundleManifest {
  schema: typeof MANIFEST_SCHEMA;
  model: {
    name: string;
    /**
     * sha256 (hex) of the source model file as given to deploy. Where that file lives is the
     * deployer's business: deploy records it in a local file beside the manifest (never published),
     * which `run --check` reads.
     */
    sourceSha256: string;
    inputs: TensorSpec[];
    outputs: TensorSpec[];
    /** Shapes the deployer declared to fix symbolic dims (`--shape name=AxB`). */
    declaredShapes: Record<string, number[]>;
  };
  /** Settings every runner of the tasks must use for bit-identical results. */
  runtime: {
    graphOptimizationLevel: 'disabled' | 'basic' | 'extended' | 'all';
  };
  targetVramBytes: number;
  tasks: TaskManifest[];
  connections: Connection[];
}
