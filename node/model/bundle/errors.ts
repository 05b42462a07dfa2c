// Codes of task bundles (a manifest and its task files) as the engine and the roles read them.
import { type CodeOf, defineErrorCodes } from '../../../storage/errors/index.js';

export const BundleErrorCode = defineErrorCodes('BUNDLE', {
  FILE_MISSING: 'BUNDLE_FILE_MISSING',
  HASH_MISMATCH: 'BUNDLE_HASH_MISMATCH',
  MANIFEST_INVALID: 'BUNDLE_MANIFEST_INVALID',
  /** The manifest's wiring cannot be scheduled (an input nobody produces, a cycle). */
  PLAN_INVALID: 'BUNDLE_PLAN_INVALID',
});
export type BundleErrorCode = CodeOf<typeof BundleErrorCode>;
