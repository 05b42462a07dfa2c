// A decodable protobuf can still be a cut-off model (the cut fell on a field boundary). Every tensor
// a node reads must be defined somewhere, and every graph output produced; otherwise it is corrupt.
import type { GraphProto } from 'onnx-buf';
import { SplitUpError } from '../../errors.js';
import { ModelErrorCode } from '../errors.js';
import { nodeReads } from './graph-walk.js';

export function assertGraphWellFormed(graph: GraphProto, label: string): void {
  const defined = new Set<string>([
    ...graph.input.map((i) => i.name),
    ...graph.initializer.map((t) => t.name),
  ]);
  for (const node of graph.node) for (const o of node.output) if (o) defined.add(o);
  for (const node of graph.node) {
    for (const name of nodeReads(node)) {
      if (!defined.has(name)) {
        throw new SplitUpError(
          ModelErrorCode.CORRUPT,
          `${label}: node '${node.name || node.opType}' reads '${name}', which no input, initializer or node defines (truncated or corrupt model)`,
          { node: node.name, tensor: name },
        );
      }
    }
  }
  for (const o of graph.output) {
    if (!defined.has(o.name)) {
      throw new SplitUpError(
        ModelErrorCode.CORRUPT,
        `${label}: model output '${o.name}' is never produced (truncated or corrupt model)`,
        {
          tensor: o.name,
        },
      );
    }
  }
}
