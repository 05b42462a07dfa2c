// Identity-bound commitments to a task output (report_completion, report_verification) and what
// opens them (reveal_output): the same sha256 the program recomputes in ix_reveal.c.
import { createHash, randomBytes } from 'node:crypto';
import type { PublicKey } from '@solana/web3.js';
import { SplitupClientError, SplitupClientErrorCode } from './errors.js';
import { COMMIT_DOMAIN, REVEAL_WINDOW_TIMEOUTS } from './generated/splitup.js';
import type { ProtocolParams } from './params.js';

/** Bytes of an output hash and of a salt. */
export const COMMITMENT_PART_BYTES = 32;

export interface CommitmentInput {
  /** The key that commits, and will have to sign the reveal: the node or the verifier. */
  committer: PublicKey;
  execution: PublicKey;
  taskIndex: number;
  /** sha256 of the output tensors. */
  outputHash: Uint8Array;
  /** Secret and random (`newSalt()`): without it a commitment to a guessable output leaks it. */
  salt: Uint8Array;
}

function checkPart(what: string, bytes: Uint8Array): void {
  if (bytes.length !== COMMITMENT_PART_BYTES)
    throw new SplitupClientError(
      SplitupClientErrorCode.INVALID_COMMITMENT_PART,
      `${what} must be ${COMMITMENT_PART_BYTES} bytes, got ${bytes.length}`,
      { what, length: bytes.length },
    );
}

/**
 * sha256(COMMIT_DOMAIN ‖ committer ‖ execution ‖ task index u8 ‖ output hash ‖ salt). The
 * committer's key is inside, so a copy of someone else's commitment can never be revealed.
 */
export function commitmentOf(i: CommitmentInput): Uint8Array {
  checkPart('outputHash', i.outputHash);
  checkPart('salt', i.salt);
  if (!Number.isInteger(i.taskIndex) || i.taskIndex < 0 || i.taskIndex > 0xff)
    throw new SplitupClientError(
      SplitupClientErrorCode.INVALID_COMMITMENT_PART,
      `task index ${i.taskIndex} is not a u8`,
      { what: 'taskIndex', value: i.taskIndex },
    );
  return createHash('sha256')
    .update(COMMIT_DOMAIN)
    .update(i.committer.toBuffer())
    .update(i.execution.toBuffer())
    .update(Uint8Array.of(i.taskIndex))
    .update(i.outputHash)
    .update(i.salt)
    .digest();
}

/** A fresh random salt for one commitment; keep it until the reveal. */
export function newSalt(): Uint8Array {
  return randomBytes(COMMITMENT_PART_BYTES);
}

/** Seconds each reveal turn lasts before reveal_timeout may be cranked (derived on chain too). */
export function revealWindowS(params: Pick<ProtocolParams, 'completionTimeoutS'>): bigint {
  return params.completionTimeoutS * BigInt(REVEAL_WINDOW_TIMEOUTS);
}
