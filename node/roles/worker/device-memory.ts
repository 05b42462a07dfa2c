// Free memory of the device a worker's sessions run on, for its heartbeats. Sessions run on
// onnxruntime's CPU execution provider today, whose device memory is the host's RAM.
import { freemem } from 'node:os';

export function freeDeviceMemoryBytes(): bigint {
  return BigInt(freemem());
}
