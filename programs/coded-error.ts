// The coded-error base of programs/ (the settlement program's client, its runtime, the linker and
// the ledger). programs/ imports nothing of ours, so this is its own copy of the shape that
// storage/errors defines for the rest: a stable `code`, a message, optional `details` and `cause`.
// The registered symbols are the same, so storage's isCodedError and errorTablePrefix know these
// errors and tables too (the CLI prints them like any other).

const CODED_ERROR = Symbol.for('splitup.coded-error');
const ERROR_TABLE_PREFIX = Symbol.for('splitup.error-table-prefix');

export type ErrorDetails = Readonly<Record<string, unknown>>;

export class ProgramsCodedError<C extends string = string> extends Error {
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

export type CodeOf<T extends Readonly<Record<string, string>>> = T[keyof T];

/** A domain's code table; the compiler refuses a code without the prefix (rules: storage/errors/codes.ts). */
export function defineErrorCodes<const P extends string, const T extends Record<string, `${P}_${string}`>>(
  prefix: P,
  table: T,
): Readonly<T> {
  Object.defineProperty(table, ERROR_TABLE_PREFIX, { value: prefix, enumerable: false });
  return Object.freeze(table);
}
