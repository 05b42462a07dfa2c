// Codes of the client role: one inference, from inputs to outputs.
import { type CodeOf, defineErrorCodes } from '../../../storage/errors/index.js';

export const InferenceErrorCode = defineErrorCodes('INFERENCE', {
  /** No peer provided the manifest of the bundle CID given to the client. */
  BUNDLE_UNAVAILABLE: 'INFERENCE_BUNDLE_UNAVAILABLE',
  DISPATCH_FAILED: 'INFERENCE_DISPATCH_FAILED',
  INPUT_MISMATCH: 'INFERENCE_INPUT_MISMATCH',
  INPUT_MISSING: 'INFERENCE_INPUT_MISSING',
  INPUT_UNKNOWN: 'INFERENCE_INPUT_UNKNOWN',
  NOT_READY: 'INFERENCE_NOT_READY',
  TASK_FAILED: 'INFERENCE_TASK_FAILED',
  TIMEOUT: 'INFERENCE_TIMEOUT',
  WORKER_LOST: 'INFERENCE_WORKER_LOST',
});
export type InferenceErrorCode = CodeOf<typeof InferenceErrorCode>;
