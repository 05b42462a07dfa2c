// Liveness rounds on chain: the RoundCertificate address of a round, a member's submit_vote, and
// the decoded certificate.
import { PublicKey, type TransactionInstruction } from '@solana/web3.js';
import { bigintify, bn } from './convert.js';
import { SplitupClientError, SplitupClientErrorCode } from './errors.js';
import { ROUND_SEED } from './generated/splitup.js';
import { configAddress } from './pdas.js';
import { SPLITUP_PROGRAM_ID, splitupProgram } from './program.js';

const U64_MAX = (1n << 64n) - 1n;
const U32_MAX = 0xffff_ffff;

function roundBytes(round: bigint): Buffer {
  if (round < 0n || round > U64_MAX)
    throw new SplitupClientError(SplitupClientErrorCode.INVALID_VOTE, `round ${round} is not a u64`);
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(round);
  return b;
}

/** PDA ["round", round u64 LE]. */
export function roundAddress(round: bigint, programId: PublicKey = SPLITUP_PROGRAM_ID): PublicKey {
  return PublicKey.findProgramAddressSync([Buffer.from(ROUND_SEED, 'utf8'), roundBytes(round)], programId)[0];
}

export interface TableVote {
  tableRoot: Uint8Array;
  taskCount: number;
}

export interface SubmitVoteInput extends TableVote {
  /** The committee member: signs, and pays the rent when its vote opens the round. */
  member: PublicKey;
  round: bigint;
  /** The round account; the round's PDA when absent (tests pass others to show they are refused). */
  roundAccount?: PublicKey;
}

export function submitVoteIx(input: SubmitVoteInput): Promise<TransactionInstruction> {
  if (
    input.tableRoot.length !== 32 ||
    !Number.isInteger(input.taskCount) ||
    input.taskCount < 0 ||
    input.taskCount > U32_MAX
  )
    throw new SplitupClientError(
      SplitupClientErrorCode.INVALID_VOTE,
      'a vote is a 32-byte table root and a u32 task count',
    );
  return splitupProgram()
    .methods.submitVote({
      round: bn(input.round),
      vote: { tableRoot: [...input.tableRoot], taskCount: input.taskCount },
      reserved: [0, 0, 0, 0],
    })
    .accountsStrict({
      member: input.member,
      config: configAddress(),
      round: input.roundAccount ?? roundAddress(input.round),
      systemProgram: PublicKey.default,
    })
    .instruction();
}

export interface RoundCertificateAccount {
  round: bigint;
  committeeEpoch: bigint;
  certifiedAt: bigint;
  certifiedRoot: number[];
  certifiedTaskCount: number;
  voted: number;
  equivocators: number;
  committeeLen: number;
  threshold: number;
  certified: boolean;
  bump: number;
  votes: { tableRoot: number[]; taskCount: number }[];
  conflicts: { tableRoot: number[]; taskCount: number }[];
}

export function decodeRoundCertificate(data: Uint8Array): RoundCertificateAccount {
  return bigintify(
    splitupProgram().coder.accounts.decode('roundCertificate', Buffer.from(data)),
  ) as RoundCertificateAccount;
}

/** Bytes of a RoundCertificate account, discriminator included (the layout's ROUND_CERTIFICATE_SPACE). */
export function roundCertificateSpace(): number {
  return splitupProgram().coder.accounts.size('roundCertificate');
}
