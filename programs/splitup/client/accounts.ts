import type { PublicKey } from '@solana/web3.js';
import { bigintify } from './convert.js';
import { splitupProgram } from './program.js';

/** Decodes account bytes (discriminator checked) with u64s as bigint. */
function decode(name: 'config' | 'node' | 'model' | 'execution', data: Uint8Array): unknown {
  return bigintify(splitupProgram().coder.accounts.decode(name, Buffer.from(data)));
}

export interface ConfigAccount {
  admin: PublicKey;
  mint: PublicKey;
  vault: PublicKey;
  committee: PublicKey[];
  params: {
    stakeBase: bigint;
    stakePerGb: bigint;
    assignmentTimeoutS: bigint;
    completionTimeoutS: bigint;
    challengeWindowS: bigint;
    unstakeCooldownS: bigint;
    pricePerComputeUnit: bigint;
    verifierRewardBps: number;
    slashBps: number;
    verifyProbabilityBps: number;
    collusionBps: number;
  };
  committeeEpoch: bigint;
  committeeLen: number;
  threshold: number;
  bump: number;
  vaultBump: number;
}

export interface NodeAccount {
  authority: PublicKey;
  staked: bigint;
  unstakeAmount: bigint;
  unstakeRequestedAt: bigint;
  specializedVram: bigint;
  specializations: { model: PublicKey; taskIndex: number }[];
  activeAssignments: number;
  openDisputes: number;
  specializationCount: number;
  unstaking: boolean;
  slashed: boolean;
  bump: number;
}

export function decodeConfig(data: Uint8Array): ConfigAccount {
  return decode('config', data) as ConfigAccount;
}

export function decodeNode(data: Uint8Array): NodeAccount {
  return decode('node', data) as NodeAccount;
}

export interface ModelAccount {
  authority: PublicKey;
  modelId: number[];
  totalComputeUnits: bigint;
  registeredAt: bigint;
  inputCount: number;
  outputCount: number;
  taskCount: number;
  connectionCount: number;
  tasksWritten: number;
  registered: boolean;
  tasks: { vramBytes: bigint; computeUnits: bigint; id: number[]; inputCount: number; outputCount: number }[];
}

export function decodeModel(data: Uint8Array): ModelAccount {
  return decode('model', data) as ModelAccount;
}

export interface TaskRunAccount {
  node: PublicKey;
  verifier: PublicKey;
  /** The node's commitment; its output hash once `revealed & REVEALED_NODE`. */
  outputHash: number[];
  /** The verifier's commitment; its output hash once `revealed & REVEALED_VERIFIER`. */
  verifierHash: number[];
  payment: bigint;
  payNode: bigint;
  payVerifier: bigint;
  fromEscrow: bigint;
  assignedAt: bigint;
  reportedAt: bigint;
  verifierAssignedAt: bigint;
  /** Start of the current reveal turn (the verifier's, then the node's). */
  revealOpenedAt: bigint;
  status: number;
  attempts: number;
  /** 1 once sampled: the task then pays only after a verdict. */
  sampled: number;
  verifierTimeouts: number;
  /** REVEALED_VERIFIER | REVEALED_NODE. */
  revealed: number;
}

export interface ExecutionAccount {
  client: PublicKey;
  model: PublicKey;
  inputCommitment: number[];
  maxFee: bigint;
  spent: bigint;
  refundExtra: bigint;
  createdAt: bigint;
  nonce: bigint;
  tasks: TaskRunAccount[];
  taskCount: number;
}

export function decodeExecution(data: Uint8Array): ExecutionAccount {
  return decode('execution', data) as ExecutionAccount;
}
