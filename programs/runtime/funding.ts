import { address, lamports } from '@solana/kit';
import type { PublicKey } from '@solana/web3.js';
import { FailedTransactionMetadata, type LiteSVM } from 'litesvm';
import { RuntimeError, RuntimeErrorCode } from './errors.js';

/** Credits `to` with lamports out of thin air (LiteSVM's faucet). */
export function airdrop(svm: LiteSVM, to: PublicKey, amount: bigint): void {
  const result = svm.airdrop(address(to.toBase58()), lamports(amount));
  if (result instanceof FailedTransactionMetadata)
    throw new RuntimeError(
      RuntimeErrorCode.AIRDROP_FAILED,
      `airdrop to ${to.toBase58()} failed: ${String(result.err())}`,
      {
        runtimeError: String(result.err()),
        logs: result.meta().logs(),
      },
    );
}

/** Lamports of an account, 0 when it does not exist. */
export function balanceOf(svm: LiteSVM, who: PublicKey): bigint {
  return svm.getBalance(address(who.toBase58())) ?? 0n;
}

/** Raw data of an account, or undefined when it does not exist. */
export function accountData(svm: LiteSVM, who: PublicKey): { data: Uint8Array; owner: string } | undefined {
  const acc = svm.getAccount(address(who.toBase58()));
  return acc.exists ? { data: acc.data as Uint8Array, owner: acc.programAddress } : undefined;
}
