// One error type for the peer binary. `code` is stable (tests and callers match on it);
// the message says what was wrong in words a user can act on.
export class SplitUpError extends Error {
  readonly code: string;
  readonly details: Record<string, unknown> | undefined;

  constructor(
    code: string,
    message: string,
    details?: Record<string, unknown>,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'SplitUpError';
    this.code = code;
    this.details = details;
  }
}

export function isSplitUpError(err: unknown, code?: string): err is SplitUpError {
  return err instanceof SplitUpError && (code === undefined || err.code === code);
}
