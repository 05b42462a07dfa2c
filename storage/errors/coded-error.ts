// The one error base of SplitUp: every error we throw carries a stable `code` (callers, tests, the
// CLI and remote peers match on it), a message a user can act on, optional typed `details` and the
// `cause`. Domains subclass it (TensorStreamError, BlocksError, ...) and keep their codes in a table
// made by defineErrorCodes (./codes.ts). Lives on the lowest floor so every layer shares it.

/**
 * Marks coded errors across realms and copies: `programs/` (which imports nothing of ours) keeps
 * its own base of the same shape and sets the same registered symbol, so one guard knows both.
 */
export const CODED_ERROR = Symbol.for('splitup.coded-error');

export type ErrorDetails = Readonly<Record<string, unknown>>;

export class CodedError<C extends string = string> extends Error {
  readonly code: C;
  readonly details: ErrorDetails | undefined;
  readonly [CODED_ERROR] = true;

  constructor(code: C, message: string, details?: ErrorDetails, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.details = details;
  }
}

/** A coded error of ours (from any layer, programs/ included), optionally with one given code. */
export function isCodedError<C extends string = string>(err: unknown, code?: C): err is CodedError<C> {
  if (typeof err !== 'object' || err === null || !(err instanceof Error)) return false;
  if ((err as { [CODED_ERROR]?: unknown })[CODED_ERROR] !== true) return false;
  const actual = (err as { code?: unknown }).code;
  return typeof actual === 'string' && (code === undefined || actual === code);
}
