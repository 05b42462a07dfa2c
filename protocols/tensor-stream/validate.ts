// Checks a received header against the interface the local task declared, before the receiver
// allocates a byte for the payload.
import { specMismatch, type TensorSpec, tensorByteLength } from '../../storage/tensors/tensor.js';
import { TensorStreamError, TensorStreamErrorCode } from './errors.js';
import type { TensorHeader } from './header.js';

export interface PayloadLimits {
  maxTensorBytes: number;
}

/** Returns the spec the header matches, or throws the typed reason it does not. */
export function validateHeader(
  header: TensorHeader,
  specs: readonly TensorSpec[],
  limits: PayloadLimits,
): TensorSpec {
  const spec = specs.find((s) => s.name === header.name);
  const target = `task ${header.taskId} of execution ${header.executionId}`;
  if (spec === undefined) {
    throw new TensorStreamError(
      TensorStreamErrorCode.UNKNOWN_TENSOR,
      `${target} declares no input named ${JSON.stringify(header.name)} (declared: ${specs.map((s) => s.name).join(', ')})`,
    );
  }
  const mismatch = specMismatch(spec, header);
  if (mismatch === 'dtype') {
    throw new TensorStreamError(
      TensorStreamErrorCode.DTYPE_MISMATCH,
      `${target} input ${header.name} is ${spec.dtype}, the sender sent ${header.dtype}`,
    );
  }
  if (mismatch === 'shape') {
    throw new TensorStreamError(
      TensorStreamErrorCode.SHAPE_MISMATCH,
      `${target} input ${header.name} has shape [${spec.shape.join(',')}], the sender sent [${header.shape.join(',')}]`,
    );
  }
  const expected = tensorByteLength(header.dtype, header.shape);
  if (header.byteLength !== expected) {
    throw new TensorStreamError(
      TensorStreamErrorCode.LENGTH_MISMATCH,
      `${header.name}: ${header.dtype}[${header.shape.join(',')}] is ${expected} bytes, header says ${header.byteLength}`,
    );
  }
  if (header.byteLength > limits.maxTensorBytes) {
    throw new TensorStreamError(
      TensorStreamErrorCode.TOO_LARGE,
      `${header.name}: ${header.byteLength} bytes exceeds the ${limits.maxTensorBytes}-byte cap`,
    );
  }
  return spec;
}
