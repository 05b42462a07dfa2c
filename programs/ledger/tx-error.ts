// Turns litesvm's transaction errors into Solana's JSON form (as getSignatureStatuses and
// preflight errors carry it) and into Solana's one-line description.
import type { FailedTransactionMetadata } from 'litesvm';
// One table of litesvm's error enums, shared with the program tests' error decoding.
import {
  INSTRUCTION_ERROR_NAMES as INSTRUCTION_ERRORS,
  TRANSACTION_ERROR_NAMES as TRANSACTION_ERRORS,
} from '../runtime/error-names.js';

/** Solana's TransactionError as serde serializes it: a bare name or a one-key object. */
export type TransactionErrorJson = string | Record<string, unknown>;

/** Errors raised before execution: the transaction is dropped, no fee is charged, nothing lands. */
const NOT_COMMITTED = new Set<string>([
  'AccountInUse',
  'AccountLoadedTwice',
  'AccountNotFound',
  'ProgramAccountNotFound',
  'InsufficientFundsForFee',
  'InvalidAccountForFee',
  'AlreadyProcessed',
  'BlockhashNotFound',
  'MissingSignatureForFee',
  'InvalidAccountIndex',
  'SignatureFailure',
  'SanitizeFailure',
  'UnsupportedVersion',
  'TooManyAccountLocks',
  'AddressLookupTableNotFound',
  'InvalidAddressLookupTableOwner',
  'InvalidAddressLookupTableData',
  'InvalidAddressLookupTableIndex',
  'ResanitizationNeeded',
  'UnbalancedTransaction',
]);

function instructionErrorJson(err: unknown): TransactionErrorJson {
  if (typeof err === 'number') return INSTRUCTION_ERRORS[err] ?? `InstructionError${err}`;
  if (err && typeof err === 'object') {
    if ('code' in err) return { Custom: Number((err as { code: number }).code) };
    if ('msg' in err) return { BorshIoError: String((err as { msg: string }).msg) };
  }
  return 'GenericError';
}

/** Maps litesvm's error object (a number for fieldless variants) to Solana's JSON. */
export function transactionErrorJson(
  err: ReturnType<FailedTransactionMetadata['err']>,
): TransactionErrorJson {
  if (typeof err === 'number') return TRANSACTION_ERRORS[err] ?? `TransactionError${err}`;
  const name = (err as object).constructor?.name ?? '';
  const fields = err as unknown as Record<string, unknown>;
  switch (name) {
    case 'TransactionErrorInstructionError': {
      const inner = (err as { err(): unknown }).err();
      return { InstructionError: [fields.index, instructionErrorJson(inner)] };
    }
    case 'TransactionErrorDuplicateInstruction':
      return { DuplicateInstruction: fields.index };
    case 'TransactionErrorInsufficientFundsForRent':
      return { InsufficientFundsForRent: { account_index: fields.accountIndex } };
    case 'TransactionErrorProgramExecutionTemporarilyRestricted':
      return { ProgramExecutionTemporarilyRestricted: { account_index: fields.accountIndex } };
    default:
      return String(err);
  }
}

/** True when the error means the transaction never landed (no fee, no history entry). */
export function isUncommittedError(err: TransactionErrorJson): boolean {
  return typeof err === 'string' && NOT_COMMITTED.has(err);
}

const TRANSACTION_ERROR_TEXT: Record<string, string> = {
  AccountNotFound: 'Attempt to debit an account but found no record of a prior credit.',
  AlreadyProcessed: 'This transaction has already been processed',
  BlockhashNotFound: 'Blockhash not found',
  InsufficientFundsForFee: 'Insufficient funds for fee',
  SignatureFailure: 'Transaction did not pass signature verification',
  ProgramAccountNotFound: 'Attempt to load a program that does not exist',
};

/** "CamelCaseName" -> "camel case name", the shape of most of Solana's error texts. */
function words(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
}

function instructionErrorText(err: TransactionErrorJson): string {
  if (typeof err === 'string') return words(err);
  if ('Custom' in err) return `custom program error: 0x${Number(err.Custom).toString(16)}`;
  if ('BorshIoError' in err)
    return `Failed to serialize or deserialize account data: ${String(err.BorshIoError)}`;
  return JSON.stringify(err);
}

/** Solana's Display text of a TransactionError, e.g. "Error processing Instruction 0: custom program error: 0x1". */
export function transactionErrorText(err: TransactionErrorJson): string {
  if (typeof err === 'string') return TRANSACTION_ERROR_TEXT[err] ?? words(err);
  if ('InstructionError' in err) {
    const [index, inner] = err.InstructionError as [number, TransactionErrorJson];
    return `Error processing Instruction ${index}: ${instructionErrorText(inner)}`;
  }
  if ('InsufficientFundsForRent' in err) {
    const { account_index } = err.InsufficientFundsForRent as { account_index: number };
    return `Transaction results in an account (${account_index}) with insufficient funds for rent`;
  }
  if ('DuplicateInstruction' in err) {
    return `Transaction contains a duplicate instruction (${String(err.DuplicateInstruction)}) that is not allowed`;
  }
  return JSON.stringify(err);
}
