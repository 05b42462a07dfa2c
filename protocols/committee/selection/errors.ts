// Typed failures of node selection and sampling decisions.
import { CodedError, type CodeOf, defineErrorCodes } from '../../../storage/errors/index.js';

export const SelectionErrorCode = defineErrorCodes('SELECTION', {
  /** A seed field of the wrong length or range. */
  INVALID_SEED: 'SELECTION_INVALID_SEED',
  /** No node (or, for a verifier, no node besides the worker) serves the task in this table. */
  NO_ELIGIBLE_NODE: 'SELECTION_NO_ELIGIBLE_NODE',
});
export type SelectionErrorCode = CodeOf<typeof SelectionErrorCode>;

export class SelectionError extends CodedError<SelectionErrorCode> {
  constructor(code: SelectionErrorCode, message: string) {
    super(code, message);
  }
}
