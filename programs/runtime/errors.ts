import { type CodeOf, defineErrorCodes, ProgramsCodedError } from '../coded-error.js';

/** Failures of the LiteSVM bridge: a transaction the runtime refused, a call it cannot make. */
export const RuntimeErrorCode = defineErrorCodes('RUNTIME', {
  /** The runtime refused the transaction; `customCode` holds a program's own error number. */
  TX_FAILED: 'RUNTIME_TX_FAILED',
  /** A transaction was built with no signer to pay its fee. */
  NO_FEE_PAYER: 'RUNTIME_NO_FEE_PAYER',
  /** LiteSVM's faucet refused an airdrop. */
  AIRDROP_FAILED: 'RUNTIME_AIRDROP_FAILED',
});
export type RuntimeErrorCode = CodeOf<typeof RuntimeErrorCode>;

export interface RuntimeErrorDetails {
  instructionIndex?: number;
  customCode?: number;
  runtimeError?: string;
  logs?: string[];
}

/** Typed failure of a transaction sent into LiteSVM; `code` is stable, the fields say what failed. */
export class RuntimeError extends ProgramsCodedError<RuntimeErrorCode> {
  /** Index of the failing instruction, when the runtime names one. */
  readonly instructionIndex: number | undefined;
  /** Custom program error number (`ProgramError::Custom`), when the program returned one. */
  readonly customCode: number | undefined;
  /** The runtime's own error text (e.g. "MissingRequiredSignature"); empty when nothing was sent. */
  readonly runtimeError: string;
  readonly logs: string[];
  constructor(code: RuntimeErrorCode, message: string, details: RuntimeErrorDetails = {}) {
    const { logs = [], ...rest } = details;
    super(code, message, rest);
    this.instructionIndex = details.instructionIndex;
    this.customCode = details.customCode;
    this.runtimeError = details.runtimeError ?? '';
    this.logs = logs;
  }
}
