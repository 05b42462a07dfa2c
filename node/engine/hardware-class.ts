// A worker's hardware class, derived, never declared by hand: the runtime and its version, the
// execution provider and the device its sessions run on. Two nodes of one class must produce
// bit-identical outputs for a task, so a verifier is chosen within the worker's class.
import { createRequire } from 'node:module';
import { arch, cpus } from 'node:os';
import { MAX_HARDWARE_CLASS_BYTES } from '../../protocols/heartbeat/constants.js';
import { deterministicSessionOptions } from './session-options.js';

const runtimeVersion = (
  createRequire(import.meta.url)('onnxruntime-node/package.json') as { version: string }
).version;

/** `onnxruntime-node/<version>/<provider>/<arch>/<device>`, cut to what a heartbeat carries. */
export function hardwareClass(): string {
  const provider = deterministicSessionOptions('basic', 1).executionProviders[0];
  // The CPU provider computes on the host CPU: its model names the device.
  const device = (cpus()[0]?.model ?? 'unknown').replace(/\s+/g, ' ').trim();
  const text = `onnxruntime-node/${runtimeVersion}/${provider}/${arch()}/${device}`;
  const bytes = new TextEncoder().encode(text);
  return bytes.length <= MAX_HARDWARE_CLASS_BYTES
    ? text
    : new TextDecoder().decode(bytes.subarray(0, MAX_HARDWARE_CLASS_BYTES)).replace(/\uFFFD$/, '');
}
