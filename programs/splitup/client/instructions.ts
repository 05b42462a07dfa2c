import { PublicKey, type TransactionInstruction } from '@solana/web3.js';
import { bn } from './convert.js';
import { SplitupClientError, SplitupClientErrorCode } from './errors.js';
import { MAX_COMMITTEE, TOKEN_PROGRAM_ID_STR } from './known-ids.js';
import type { ProtocolParams } from './params.js';
import { configAddress, nodeAddress, splitupProgramDataAddress, vaultAddress } from './pdas.js';
import { SPLITUP_PROGRAM_ID, splitupProgram } from './program.js';

const program = () => splitupProgram();
const TOKEN_PROGRAM = new PublicKey(TOKEN_PROGRAM_ID_STR);
const SYSTEM_PROGRAM = PublicKey.default;

function paramsArg(p: ProtocolParams) {
  return {
    stakeBase: bn(p.stakeBase),
    stakePerGb: bn(p.stakePerGb),
    assignmentTimeoutS: bn(p.assignmentTimeoutS),
    completionTimeoutS: bn(p.completionTimeoutS),
    challengeWindowS: bn(p.challengeWindowS),
    unstakeCooldownS: bn(p.unstakeCooldownS),
    pricePerComputeUnit: bn(p.pricePerComputeUnit),
    verifierRewardBps: p.verifierRewardBps,
    slashBps: p.slashBps,
    verifyProbabilityBps: p.verifyProbabilityBps,
    collusionBps: p.collusionBps,
    reserved: [0, 0, 0, 0],
  };
}

/** Pads a committee to the fixed MAX_COMMITTEE slots of the on-chain layout. */
function committeeArg(committee: PublicKey[]) {
  if (committee.length > MAX_COMMITTEE)
    throw new SplitupClientError(
      SplitupClientErrorCode.COMMITTEE_TOO_LARGE,
      `a committee holds at most ${MAX_COMMITTEE} keys, not ${committee.length}`,
    );
  return {
    committee: [...committee, ...Array(MAX_COMMITTEE - committee.length).fill(PublicKey.default)],
    committeeLen: committee.length,
  };
}

export interface InitializeInput {
  admin: PublicKey;
  /** The program's upgrade authority, which must sign too; the admin when absent. */
  upgradeAuthority?: PublicKey;
  mint: PublicKey;
  committee: PublicKey[];
  /** 0 or absent: the program's default ceil(2n/3). */
  threshold?: number;
  params: ProtocolParams;
}

export function initializeIx(input: InitializeInput): Promise<TransactionInstruction> {
  return program()
    .methods.initialize({
      params: paramsArg(input.params),
      ...committeeArg(input.committee),
      threshold: input.threshold ?? 0,
      reserved: [0, 0, 0, 0, 0, 0],
    })
    .accountsStrict({
      admin: input.admin,
      config: configAddress(),
      mint: input.mint,
      vault: vaultAddress(),
      tokenProgram: TOKEN_PROGRAM,
      systemProgram: SYSTEM_PROGRAM,
      program: SPLITUP_PROGRAM_ID,
      programData: splitupProgramDataAddress(),
      upgradeAuthority: input.upgradeAuthority ?? input.admin,
    })
    .instruction();
}

export interface UpdateCommitteeInput {
  /** The admin, or one committee member (the others sign as `coSigners`). */
  authority: PublicKey;
  coSigners?: PublicKey[];
  committee: PublicKey[];
  threshold?: number;
}

export function updateCommitteeIx(input: UpdateCommitteeInput): Promise<TransactionInstruction> {
  return program()
    .methods.updateCommittee({
      ...committeeArg(input.committee),
      threshold: input.threshold ?? 0,
      reserved: [0, 0, 0, 0, 0, 0],
    })
    .accountsStrict({ authority: input.authority, config: configAddress() })
    .remainingAccounts(
      (input.coSigners ?? []).map((pubkey) => ({ pubkey, isSigner: true, isWritable: false })),
    )
    .instruction();
}

export function registerNodeIx(authority: PublicKey): Promise<TransactionInstruction> {
  return program()
    .methods.registerNode()
    .accountsStrict({
      authority,
      node: nodeAddress(authority),
      config: configAddress(),
      systemProgram: SYSTEM_PROGRAM,
    })
    .instruction();
}

export function stakeIx(
  authority: PublicKey,
  source: PublicKey,
  amount: bigint,
): Promise<TransactionInstruction> {
  return program()
    .methods.stake({ amount: bn(amount) })
    .accountsStrict({
      authority,
      node: nodeAddress(authority),
      config: configAddress(),
      source,
      vault: vaultAddress(),
      tokenProgram: TOKEN_PROGRAM,
    })
    .instruction();
}

export function requestUnstakeIx(authority: PublicKey, amount: bigint): Promise<TransactionInstruction> {
  return program()
    .methods.requestUnstake({ amount: bn(amount) })
    .accountsStrict({ authority, node: nodeAddress(authority), config: configAddress() })
    .instruction();
}

export function withdrawIx(authority: PublicKey, destination: PublicKey): Promise<TransactionInstruction> {
  return program()
    .methods.withdraw()
    .accountsStrict({
      authority,
      node: nodeAddress(authority),
      config: configAddress(),
      vault: vaultAddress(),
      destination,
      tokenProgram: TOKEN_PROGRAM,
    })
    .instruction();
}

export function declareSpecializationIx(
  authority: PublicKey,
  model: PublicKey,
  taskIndex: number,
): Promise<TransactionInstruction> {
  return program()
    .methods.declareSpecialization({ taskIndex, reserved: Array(7).fill(0) })
    .accountsStrict({ authority, node: nodeAddress(authority), config: configAddress(), model })
    .instruction();
}
