// Codes of the inference engine (onnxruntime sessions in worker threads).
import { type CodeOf, defineErrorCodes } from '../../storage/errors/index.js';

export const EngineErrorCode = defineErrorCodes('ENGINE', {
  DTYPE_UNSUPPORTED: 'ENGINE_DTYPE_UNSUPPORTED',
  INPUT_MISMATCH: 'ENGINE_INPUT_MISMATCH',
  INPUT_MISSING: 'ENGINE_INPUT_MISSING',
  INPUT_UNKNOWN: 'ENGINE_INPUT_UNKNOWN',
  LOAD_FAILED: 'ENGINE_LOAD_FAILED',
  LOAD_TIMEOUT: 'ENGINE_LOAD_TIMEOUT',
  MODEL_MISSING: 'ENGINE_MODEL_MISSING',
  OUTPUT_MISMATCH: 'ENGINE_OUTPUT_MISMATCH',
  RUNNER_CLOSED: 'ENGINE_RUNNER_CLOSED',
  RUNNER_CRASHED: 'ENGINE_RUNNER_CRASHED',
  RUN_FAILED: 'ENGINE_RUN_FAILED',
  /** The unsplit model changed since deploy (`run --check`). */
  SOURCE_CHANGED: 'ENGINE_SOURCE_CHANGED',
  SOURCE_MISSING: 'ENGINE_SOURCE_MISSING',
  TASK_MISMATCH: 'ENGINE_TASK_MISMATCH',
  THREADS_INVALID: 'ENGINE_THREADS_INVALID',
  WORKER_CRASHED: 'ENGINE_WORKER_CRASHED',
});
export type EngineErrorCode = CodeOf<typeof EngineErrorCode>;

/** Outcomes of `splitup run` that are reported (exit 1) rather than thrown: the run itself worked. */
export const RunErrorCode = defineErrorCodes('RUN', {
  /** --check: an output of the split run differs from the unsplit model's. */
  CHECK_DIFFERS: 'RUN_CHECK_DIFFERS',
  /** --repeat: two runs of the same inputs gave different bits. */
  NOT_REPEATABLE: 'RUN_NOT_REPEATABLE',
});
export type RunErrorCode = CodeOf<typeof RunErrorCode>;
