/** Typed failure of a transaction sent into LiteSVM; `code` is stable, details say what failed. */
export type RuntimeErrorCode = 'TX_FAILED' | 'DEPLOY_FAILED';

export class RuntimeError extends Error {
  readonly code: RuntimeErrorCode;
  /** Index of the failing instruction, when the runtime names one. */
  readonly instructionIndex: number | undefined;
  /** Custom program error number (`ProgramError::Custom`), when the program returned one. */
  readonly customCode: number | undefined;
  /** The runtime's own error text (e.g. "MissingRequiredSignature"). */
  readonly runtimeError: string;
  readonly logs: string[];
  constructor(
    code: RuntimeErrorCode,
    message: string,
    details: { instructionIndex?: number; customCode?: number; runtimeError: string; logs: string[] },
  ) {
    super(message);
    this.name = 'RuntimeError';
    this.code = code;
    this.instructionIndex = details.instructionIndex;
    this.customCode = details.customCode;
    this.runtimeError = details.runtimeError;
    this.logs = details.logs;
  }
}
