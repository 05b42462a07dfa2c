// Errors of the SplitUp client. Two vocabularies meet here:
// - the program's own error names (`DagTypeMismatch`), decoded from the custom error number a
//   failed transaction carries: the IDL's vocabulary, what Anchor and the tests name;
// - coded-error codes in the shape of storage/errors/codes.ts: `PROGRAM_<NAME>` for a program
//   error (PROGRAM_DAG_TYPE_MISMATCH, the C macro ERR_DAG_TYPE_MISMATCH without ERR_), and
//   `PROGRAM_CLIENT_<WHAT>` for what the client refuses before anything is sent.
import { type CodeOf, defineErrorCodes, ProgramsCodedError } from '../../coded-error.js';
import {
  SPLITUP_ERROR_CODES,
  SPLITUP_ERRORS,
  SPLITUP_PROGRAM_ERROR_CODES,
  type SplitupErrorName,
} from './generated/splitup.js';

export type { SplitupErrorName };
export { SPLITUP_ERROR_CODES };

/** A program error as a coded error: PROGRAM_ + its name in SCREAMING_SNAKE_CASE. */
export const SplitupProgramErrorCode = defineErrorCodes('PROGRAM', { ...SPLITUP_PROGRAM_ERROR_CODES });
export type SplitupProgramErrorCode = CodeOf<typeof SplitupProgramErrorCode>;

/** CamelCase → SCREAMING_SNAKE_CASE, as the schema names the C macros (emit-c.ts `macro`). */
function screaming(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();
}

/** The coded-error code of a program error name (InsecureParameters → PROGRAM_INSECURE_PARAMETERS). */
export function programErrorCode(name: SplitupErrorName): SplitupProgramErrorCode {
  return `PROGRAM_${screaming(name)}` as SplitupProgramErrorCode;
}

/** A failure the SplitUp program reported: `code` is PROGRAM_<NAME>, `programError` the name. */
export class SplitupProgramError extends ProgramsCodedError<SplitupProgramErrorCode> {
  /** The program's own name of the error, as the IDL lists it (e.g. DagTypeMismatch). */
  readonly programError: SplitupErrorName;
  /** The custom error number (ProgramError::Custom) the program returned. */
  readonly errorNumber: number;
  readonly logs: string[];
  constructor(programError: SplitupErrorName, logs: string[], options?: { cause?: unknown }) {
    const errorNumber = SPLITUP_ERROR_CODES[programError];
    super(
      programErrorCode(programError),
      `SplitUp program error ${errorNumber} ${programError}`,
      { programError, errorNumber },
      options,
    );
    this.programError = programError;
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

/** A failure carrying a SplitUp error number as SplitupProgramError (its cause the original). */
export function asSplitupError(err: unknown): unknown {
  const name = splitupErrorName(err);
  if (!name) return err;
  const logs = (err as { logs?: string[] }).logs ?? [];
  return new SplitupProgramError(name, logs, { cause: err });
}

/** Failures of the client itself, before anything is sent (a model or committee it cannot encode). */
export const SplitupClientErrorCode = defineErrorCodes('PROGRAM_CLIENT', {
  /** More tasks, tensors, dims or connections than the on-chain layout holds. */
  MODEL_TOO_LARGE: 'PROGRAM_CLIENT_MODEL_TOO_LARGE',
  /** A tensor dtype the on-chain layout has no index for. */
  UNSUPPORTED_DTYPE: 'PROGRAM_CLIENT_UNSUPPORTED_DTYPE',
  /** A content id that does not parse as a CID. */
  MALFORMED_CID: 'PROGRAM_CLIENT_MALFORMED_CID',
  /** A CID longer than the CID_BYTES the layout holds. */
  CID_TOO_LARGE: 'PROGRAM_CLIENT_CID_TOO_LARGE',
  /** A model id that is not 32 bytes. */
  INVALID_MODEL_ID: 'PROGRAM_CLIENT_INVALID_MODEL_ID',
  /** More committee keys than MAX_COMMITTEE. */
  COMMITTEE_TOO_LARGE: 'PROGRAM_CLIENT_COMMITTEE_TOO_LARGE',
  /** An output hash, salt or task index that does not fit a commitment (32 bytes, 32 bytes, u8). */
  INVALID_COMMITMENT_PART: 'PROGRAM_CLIENT_INVALID_COMMITMENT_PART',
  /** A round that is not a u64, or a vote that is not a 32-byte root and a u32 task count. */
  INVALID_VOTE: 'PROGRAM_CLIENT_INVALID_VOTE',
  /** The offline client was asked to sign: it only builds transactions. */
  NO_SIGNER: 'PROGRAM_CLIENT_NO_SIGNER',
});
export type SplitupClientErrorCode = CodeOf<typeof SplitupClientErrorCode>;

export class SplitupClientError extends ProgramsCodedError<SplitupClientErrorCode> {}

/** The node/model/dag code (e.g. DAG_TYPE_MISMATCH) of a program DAG error name (DagTypeMismatch). */
export function dagCodeOf(name: SplitupErrorName | undefined): string | undefined {
  if (!name?.startsWith('Dag')) return undefined;
  return screaming(name);
}
