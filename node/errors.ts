// The peer binary's coded error. Every domain of node/ declares its codes in a table of its own
// (defineErrorCodes, in the domain's errors.ts); the base and its guard live in storage/errors.
import { CodedError, type ErrorDetails, isCodedError } from '../storage/errors/index.js';

export { isCodedError };

export class SplitUpError extends CodedError {
  constructor(code: string, message: string, details?: ErrorDetails, options?: { cause?: unknown }) {
    super(code, message, details, options);
  }
}
