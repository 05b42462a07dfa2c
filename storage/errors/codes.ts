// Error code tables. Each domain declares its codes once, with defineErrorCodes, in its errors.ts.
//
// Naming rules (checked by test/unit/storage/errors/codes.test.ts over every table):
// - A code is `<PREFIX>_<WHAT>` in SCREAMING_SNAKE_CASE; the prefix names the domain and is unique
//   to one table (TENSOR_STREAM, BLOCKS, WORKER, CLI, ...). The key is `<WHAT>`.
// - Codes are stable: they travel on the wire and tests match on them. Add, never rename.
// - Words with one meaning each:
//   MALFORMED_  bytes or text that do not parse (a header, a message, a file);
//   INVALID_    parsed, but a value breaks a rule (a field out of range, a bad option);
//   _MISMATCH   two things that must agree do not (a hash, a dtype, a shape);
//   _TOO_LARGE  over a named bound;  _NOT_FOUND  nothing by that name or id;
//   UNAUTHORIZED_ / _UNAUTHORIZED  the identity is not allowed to do this;
//   _TIMEOUT  a deadline passed;  _ABORTED  the caller or a shutdown stopped it;
//   _UNAVAILABLE  a peer, port or service that should answer did not.
// - A code a remote peer sends back is carried as `remoteCode`, never thrown as ours.

/** Registered symbol: each table carries its prefix under it, so a walk over modules finds tables. */
export const ERROR_TABLE_PREFIX = Symbol.for('splitup.error-table-prefix');

export type ErrorCodeTable<P extends string = string> = Readonly<Record<string, `${P}_${string}`>>;

/** Every code of a table, as a union type. */
export type CodeOf<T extends ErrorCodeTable> = T[keyof T];

/**
 * Declares a domain's code table. The type parameter makes the compiler refuse a code without the
 * prefix; the table is frozen and tagged with its prefix for the registry test.
 */
export function defineErrorCodes<const P extends string, const T extends Record<string, `${P}_${string}`>>(
  prefix: P,
  table: T,
): Readonly<T> {
  Object.defineProperty(table, ERROR_TABLE_PREFIX, { value: prefix, enumerable: false });
  return Object.freeze(table);
}

/** The prefix a table was defined with, or undefined for any other value. */
export function errorTablePrefix(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const prefix = (value as { [ERROR_TABLE_PREFIX]?: unknown })[ERROR_TABLE_PREFIX];
  return typeof prefix === 'string' ? prefix : undefined;
}
