import { getTransactionDecoder } from '@solana/kit';
import type { Keypair, Transaction, TransactionInstruction } from '@solana/web3.js';
import { Transaction as Web3Transaction } from '@solana/web3.js';
import { FailedTransactionMetadata, type LiteSVM } from 'litesvm';
import { INSTRUCTION_ERROR_NAMES, TRANSACTION_ERROR_NAMES } from './error-names.js';
import { RuntimeError, RuntimeErrorCode } from './errors.js';

/** What a successful transaction left behind. */
export interface SentTransaction {
  logs: string[];
  computeUnits: bigint;
  /** Lamports charged in fees: the base fee per signature. */
  signatures: number;
  /** What the last program to call `sol_set_return_data` left (empty when none did). */
  returnData: Uint8Array;
}

interface InstructionErrorLike {
  index: number;
  err(): unknown;
}

function isInstructionError(e: unknown): e is InstructionErrorLike {
  return (
    typeof e === 'object' && e !== null && 'index' in e && typeof (e as { err?: unknown }).err === 'function'
  );
}

/** Converts a signed web3.js v1 transaction into the @solana/kit shape LiteSVM takes. */
function toKitTransaction(tx: Transaction) {
  return getTransactionDecoder().decode(tx.serialize());
}

/**
 * Signs and sends web3.js instructions into LiteSVM with the first signer as fee payer.
 * Throws RuntimeError (RUNTIME_TX_FAILED) with the custom error code and logs when it fails.
 */
export function sendInstructions(
  svm: LiteSVM,
  instructions: TransactionInstruction[],
  signers: Keypair[],
): SentTransaction {
  const payer = signers[0];
  if (!payer)
    throw new RuntimeError(RuntimeErrorCode.NO_FEE_PAYER, 'sendInstructions needs at least the fee payer');
  const tx = new Web3Transaction();
  tx.add(...instructions);
  tx.feePayer = payer.publicKey;
  tx.recentBlockhash = svm.latestBlockhash();
  tx.sign(...signers);
  const result = svm.sendTransaction(toKitTransaction(tx));
  if (result instanceof FailedTransactionMetadata) {
    const err = result.err();
    const logs = result.meta().logs();
    let instructionIndex: number | undefined;
    let customCode: number | undefined;
    let runtimeError = typeof err === 'number' ? (TRANSACTION_ERROR_NAMES[err] ?? String(err)) : String(err);
    if (isInstructionError(err)) {
      instructionIndex = err.index;
      const inner = err.err();
      if (typeof inner === 'object' && inner !== null && 'code' in inner) {
        customCode = Number((inner as { code: number }).code);
        runtimeError = `Custom(${customCode})`;
      } else
        runtimeError =
          typeof inner === 'number' ? (INSTRUCTION_ERROR_NAMES[inner] ?? String(inner)) : String(inner);
    }
    throw new RuntimeError(
      RuntimeErrorCode.TX_FAILED,
      `transaction failed: ${runtimeError}\n${logs.join('\n')}`,
      {
        ...(instructionIndex !== undefined ? { instructionIndex } : {}),
        ...(customCode !== undefined ? { customCode } : {}),
        runtimeError,
        logs,
      },
    );
  }
  return {
    logs: result.logs(),
    computeUnits: result.computeUnitsConsumed(),
    signatures: tx.signatures.length,
    returnData: result.returnData().data(),
  };
}
