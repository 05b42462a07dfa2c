// Node's errors from the operating system (a taken port, a missing or read-only folder) are caused
// by what the user asked for, not by a defect: the CLI prints them as one coded line, no stack.
import { CliErrorCode } from './errors.js';

/** Errno codes a user's input or machine can cause, with what to say about them. */
const USER_CAUSED: Readonly<Record<string, string>> = {
  EADDRINUSE: 'the address is already in use',
  EADDRNOTAVAIL: 'the address is not available on this machine',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOENT: 'no such file or folder',
  ENOTDIR: 'a path component is not a folder',
  EISDIR: 'is a folder, not a file',
  EEXIST: 'already exists',
  ENOSPC: 'no space left on the device',
  EROFS: 'the file system is read-only',
  EMFILE: 'too many open files',
  ECONNREFUSED: 'the connection was refused',
};

interface SystemError extends Error {
  code: string;
  syscall?: string;
  path?: string;
  address?: string;
  port?: number;
}

function isSystemError(err: unknown): err is SystemError {
  return err instanceof Error && typeof (err as { code?: unknown }).code === 'string' && 'syscall' in err;
}

/** `error [CLI_SYSTEM]: ...` for an operating-system refusal, else undefined. */
export function systemErrorLine(err: unknown): string | undefined {
  if (!isSystemError(err)) return undefined;
  const what = USER_CAUSED[err.code];
  if (what === undefined) return undefined;
  const where =
    err.path !== undefined
      ? ` (${err.syscall} ${err.path})`
      : err.port !== undefined
        ? ` (${err.syscall} ${err.address ?? ''}:${err.port})`
        : ` (${err.syscall})`;
  return `error [${CliErrorCode.SYSTEM}]: ${what}${where} [${err.code}]`;
}
