import { SPLITUP_ERROR_CODES, SPLITUP_ERRORS, type SplitupErrorName } from './generated/splitup.js';

export type { SplitupErrorName };
export { SPLITUP_ERROR_CODES };

/** A failure the SplitUp program reported, decoded to its name. */
export class SplitupProgramError extends Error {
  readonly code: SplitupErrorName;
  readonly errorNumber: number;
  readonly logs: string[];
  constructor(errorNumber: number, logs: string[]) {
    const name = SPLITUP_ERRORS[errorNumber as keyof typeof SPLITUP_ERRORS];
    super(`SplitUp program error ${errorNumber} ${name ?? '(unknown)'}`);
    this.name = 'SplitupProgramError';
    this.code = name;
    this.errorNumber = errorNumber;
    this.logs = logs;
  }
}

const CUSTOM_ERROR_LOG = /custom program error: 0x([0-9a-f]+)/i;

/** The program error name in a failure (a RuntimeError, an Anchor/web3 error with logs), if any. */
export function splitupErrorName(err: unknown): SplitupErrorName | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const e = err as { customCode?: number; logs?: string[]; message?: string };
  let code = e.customCode;
  if (code === undefined) {
    const text = [...(e.logs ?? []), e.message ?? ''].join('\n');
    const m = CUSTOM_ERROR_LOG.exec(text);
    if (m) code = Number.parseInt(m[1]!, 16);
  }
  if (code === undefined) return undefined;
  return SPLITUP_ERRORS[code as keyof typeof SPLITUP_ERRORS];
}

/** Rethrows a failure carrying a SplitUp error code as SplitupProgramError. */
export function asSplitupError(err: unknown): unknown {
  const name = splitupErrorName(err);
  if (!name) return err;
  const logs = (err as { logs?: string[] }).logs ?? [];
  return new SplitupProgramError(SPLITUP_ERROR_CODES[name], logs);
}

/** Failures of the client itself, before anything is sent (a model that cannot be encoded). */
export type SplitupClientErrorCode = 'MODEL_TOO_LARGE' | 'UNKNOWN_DTYPE' | 'BAD_CID' | 'BAD_MODEL_ID';

export class SplitupClientError extends Error {
  readonly code: SplitupClientErrorCode;
  constructor(code: SplitupClientErrorCode, message: string) {
    super(message);
    this.name = 'SplitupClientError';
    this.code = code;
  }
}

/** The node/model/dag code (e.g. DAG_TYPE_MISMATCH) of a program DAG error name (DagTypeMismatch). */
export function dagCodeOf(name: SplitupErrorName | undefined): string | undefined {
  if (!name?.startsWith('Dag')) return undefined;
  return name.replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase();
}
