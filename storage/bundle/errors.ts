// Codes of task bundles (a manifest and its task files) as deploy, the engine and the roles read
// them. On the lowest floor so the weight store's publish step refuses a bad manifest in the same
// words as a worker does.
import { CodedError, type CodeOf, defineErrorCodes, type ErrorDetails } from '../errors/index.js';

export const BundleErrorCode = defineErrorCodes('BUNDLE', {
  FILE_MISSING: 'BUNDLE_FILE_MISSING',
  HASH_MISMATCH: 'BUNDLE_HASH_MISMATCH',
  /** manifest.json is not JSON, has another schema, or a field of the wrong type. */
  MANIFEST_INVALID: 'BUNDLE_MANIFEST_INVALID',
  /** The manifest's wiring cannot be scheduled (a state input nobody seeds). */
  PLAN_INVALID: 'BUNDLE_PLAN_INVALID',
  /** A task id the manifest does not have. */
  TASK_NOT_FOUND: 'BUNDLE_TASK_NOT_FOUND',
  /** A task whose files this opening of the bundle did not verify (it was opened for other tasks). */
  TASK_UNVERIFIED: 'BUNDLE_TASK_UNVERIFIED',
});
export type BundleErrorCode = CodeOf<typeof BundleErrorCode>;

export class BundleError extends CodedError<BundleErrorCode> {
  constructor(code: BundleErrorCode, message: string, details?: ErrorDetails, options?: { cause?: unknown }) {
    super(code, message, details, options);
  }
}
