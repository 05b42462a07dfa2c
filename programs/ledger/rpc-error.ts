// JSON-RPC errors of the ledger: a LedgerError (stable string code) that also carries the numeric
// JSON-RPC code and optional data Solana clients read (simulation logs of a failed preflight).
import { LedgerError, LedgerErrorCode } from './errors.js';

export const RPC_PARSE_ERROR = -32700;
export const RPC_INVALID_REQUEST = -32600;
export const RPC_METHOD_NOT_FOUND = -32601;
export const RPC_INVALID_PARAMS = -32602;
export const RPC_INTERNAL_ERROR = -32603;
// Solana's server error codes (agave rpc-client-api custom_error.rs).
export const RPC_BLOCK_CLEANED_UP = -32001;
export const RPC_SEND_TRANSACTION_PREFLIGHT_FAILURE = -32002;
export const RPC_TRANSACTION_SIGNATURE_VERIFICATION_FAILURE = -32003;
export const RPC_BLOCK_NOT_AVAILABLE = -32004;
export const RPC_SLOT_SKIPPED = -32007;
export const RPC_TRANSACTION_HISTORY_NOT_AVAILABLE = -32011;
export const RPC_UNSUPPORTED_TRANSACTION_VERSION = -32015;
export const RPC_MIN_CONTEXT_SLOT_NOT_REACHED = -32016;

const STRING_CODES: Record<number, LedgerErrorCode> = {
  [RPC_PARSE_ERROR]: LedgerErrorCode.RPC_PARSE_ERROR,
  [RPC_INVALID_REQUEST]: LedgerErrorCode.RPC_INVALID_REQUEST,
  [RPC_METHOD_NOT_FOUND]: LedgerErrorCode.RPC_METHOD_NOT_FOUND,
  [RPC_INVALID_PARAMS]: LedgerErrorCode.RPC_INVALID_PARAMS,
  [RPC_INTERNAL_ERROR]: LedgerErrorCode.RPC_INTERNAL_ERROR,
  [RPC_SEND_TRANSACTION_PREFLIGHT_FAILURE]: LedgerErrorCode.TX_PREFLIGHT_FAILURE,
  [RPC_TRANSACTION_SIGNATURE_VERIFICATION_FAILURE]: LedgerErrorCode.TX_SIGNATURE_FAILURE,
  [RPC_TRANSACTION_HISTORY_NOT_AVAILABLE]: LedgerErrorCode.TX_HISTORY_NOT_AVAILABLE,
  [RPC_UNSUPPORTED_TRANSACTION_VERSION]: LedgerErrorCode.TX_UNSUPPORTED_VERSION,
  [RPC_MIN_CONTEXT_SLOT_NOT_REACHED]: LedgerErrorCode.MIN_CONTEXT_SLOT_NOT_REACHED,
  [RPC_BLOCK_CLEANED_UP]: LedgerErrorCode.BLOCK_CLEANED_UP,
  [RPC_BLOCK_NOT_AVAILABLE]: LedgerErrorCode.BLOCK_NOT_AVAILABLE,
  [RPC_SLOT_SKIPPED]: LedgerErrorCode.SLOT_SKIPPED,
};

export class RpcError extends LedgerError {
  readonly rpcCode: number;
  readonly data: unknown;

  /** `code` overrides the string code read from `rpcCode` (several failures share -32603). */
  constructor(rpcCode: number, message: string, data?: unknown, code?: LedgerErrorCode) {
    super(code ?? STRING_CODES[rpcCode] ?? LedgerErrorCode.RPC_ERROR, message);
    this.name = 'RpcError';
    this.rpcCode = rpcCode;
    this.data = data;
  }

  toJson(): { code: number; message: string; data?: unknown } {
    return this.data === undefined
      ? { code: this.rpcCode, message: this.message }
      : { code: this.rpcCode, message: this.message, data: this.data };
  }
}

export function invalidParams(message: string): RpcError {
  return new RpcError(RPC_INVALID_PARAMS, message);
}

/** A subscription past a cap; the validator answers these with -32603 too. */
export function subscriptionRefused(message: string): RpcError {
  return new RpcError(RPC_INTERNAL_ERROR, message, undefined, LedgerErrorCode.RPC_SUBSCRIPTION_LIMIT);
}
