// The model graph as the partitioner sees it: ONNX-free, sizes already resolved.
// Built from an ONNX model by node/model (loader + shape inference); consumed by node/model/partition.

export type TensorKind =
  /** A model input (includes state inputs such as past KV cache). */
  | 'model-input'
  /** An initializer or a Constant node's value: resident in every task that reads it. */
  | 'weight'
  /** Produced by a node at run time. */
  | 'activation';

export interface PGTensor {
  name: string;
  kind: TensorKind;
  /** Size in bytes under the declared shapes. */
  bytes: number;
  /** Index of the producing node; undefined for model inputs and weights. */
  producer?: number;
  /** Indices of nodes that read the tensor (including reads from inside If/Loop subgraphs). */
  consumers: number[];
  /** True when the tensor is a model output. */
  isModelOutput: boolean;
}

export interface PGNode {
  /** Position in `PartitionGraph.nodes`, which is a topological order. */
  index: number;
  name: string;
  opType: string;
  /** Tensor names read, including outer-scope tensors read by subgraphs; weights included. */
  inputs: string[];
  outputs: string[];
  /** Deterministic cost of this node (see compute-units.ts). */
  computeUnits: number;
}

export interface PartitionGraph {
  /** Nodes in a topological order. */
  nodes: PGNode[];
  tensors: Map<string, PGTensor>;
  /** Model inputs paired with the model outputs that feed them on the next step (KV cache). */
  state: { input: string; output: string }[];
}

/** One task of a partition: a set of node indices (kept in topological order). */
export interface TaskPartition {
  nodes: number[];
}

export interface Partition {
  tasks: TaskPartition[];
  /** Sum over (tensor, consuming task other than its producer task) of tensor bytes. */
  cutBytes: number;
}
