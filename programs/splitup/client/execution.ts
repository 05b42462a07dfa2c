import { PublicKey, type TransactionInstruction } from '@solana/web3.js';
import { bn } from './convert.js';
import { EXECUTION_SEED, GUILTY_NODE, GUILTY_VERIFIER } from './generated/splitup.js';
import { TOKEN_PROGRAM_ID_STR } from './known-ids.js';
import { configAddress, nodeAddress, vaultAddress } from './pdas.js';
import { SPLITUP_PROGRAM_ID, splitupProgram } from './program.js';

const TOKEN_PROGRAM = new PublicKey(TOKEN_PROGRAM_ID_STR);
const program = () => splitupProgram();
const reserved = (n: number) => Array(n).fill(0);
/** Committee members co-signing a decision, as remaining accounts. */
const signers = (committee: PublicKey[]) =>
  committee.map((pubkey) => ({ pubkey, isSigner: true, isWritable: false }));

export function executionAddress(
  client: PublicKey,
  nonce: bigint,
  programId: PublicKey = SPLITUP_PROGRAM_ID,
): PublicKey {
  const n = Buffer.alloc(8);
  n.writeBigUInt64LE(nonce);
  return PublicKey.findProgramAddressSync([Buffer.from(EXECUTION_SEED), client.toBuffer(), n], programId)[0];
}

export interface RequestExecutionInput {
  client: PublicKey;
  clientWallet: PublicKey;
  model: PublicKey;
  nonce: bigint;
  maxFee: bigint;
  /** sha256 of the input tensors. */
  inputCommitment: Uint8Array;
}

export function requestExecutionIx(i: RequestExecutionInput): Promise<TransactionInstruction> {
  return program()
    .methods.requestExecution({
      nonce: bn(i.nonce),
      maxFee: bn(i.maxFee),
      inputCommitment: Array.from(i.inputCommitment),
    })
    .accountsStrict({
      client: i.client,
      execution: executionAddress(i.client, i.nonce),
      config: configAddress(),
      model: i.model,
      clientWallet: i.clientWallet,
      vault: vaultAddress(),
      tokenProgram: TOKEN_PROGRAM,
      systemProgram: PublicKey.default,
    })
    .instruction();
}

/** Assignment of task `taskIndex` to `node` (its authority), signed by `committee` (a threshold). */
export function assignTaskIx(
  execution: PublicKey,
  model: PublicKey,
  taskIndex: number,
  node: PublicKey,
  committee: PublicKey[],
): Promise<TransactionInstruction> {
  return program()
    .methods.assignTask({ taskIndex, reserved: reserved(7) })
    .accountsStrict({ execution, config: configAddress(), model, node: nodeAddress(node) })
    .remainingAccounts(signers(committee))
    .instruction();
}

/** The node's commitment (`commitmentOf` with its own key): its output hash stays secret. */
export function reportCompletionIx(
  node: PublicKey,
  execution: PublicKey,
  taskIndex: number,
  commitment: Uint8Array,
): Promise<TransactionInstruction> {
  return program()
    .methods.reportCompletion({ taskIndex, reserved: reserved(7), commitment: Array.from(commitment) })
    .accountsStrict({ authority: node, execution })
    .instruction();
}

/** The committee's sampling decision: `verifier` (a node authority) to re-execute, or none. */
export function decideSamplingIx(
  execution: PublicKey,
  model: PublicKey,
  taskIndex: number,
  verifier: PublicKey | null,
  committee: PublicKey[],
  executingNode: PublicKey,
): Promise<TransactionInstruction> {
  return program()
    .methods.decideSampling({ taskIndex, verify: verifier !== null, reserved: reserved(6) })
    .accountsStrict({
      execution,
      config: configAddress(),
      model,
      verifier: nodeAddress(verifier ?? executingNode),
    })
    .remainingAccounts(signers(committee))
    .instruction();
}

/** The verifier's commitment (`commitmentOf` with its own key), opening the reveal turns. */
export function reportVerificationIx(
  verifier: PublicKey,
  execution: PublicKey,
  taskIndex: number,
  commitment: Uint8Array,
): Promise<TransactionInstruction> {
  return program()
    .methods.reportVerification({ taskIndex, reserved: reserved(7), commitment: Array.from(commitment) })
    .accountsStrict({ authority: verifier, execution })
    .instruction();
}

export interface RevealInput {
  /** The signer: the verifier (first) or the executing node (after the verifier). */
  authority: PublicKey;
  execution: PublicKey;
  taskIndex: number;
  outputHash: Uint8Array;
  salt: Uint8Array;
  /** Authorities of the task run's node and verifier. */
  node: PublicKey;
  verifier: PublicKey;
}

/** Opens the signer's commitment on a sampled task run (both must have committed). */
export function revealOutputIx(i: RevealInput): Promise<TransactionInstruction> {
  return program()
    .methods.revealOutput({
      taskIndex: i.taskIndex,
      reserved: reserved(7),
      outputHash: Array.from(i.outputHash),
      salt: Array.from(i.salt),
    })
    .accountsStrict({
      authority: i.authority,
      execution: i.execution,
      node: nodeAddress(i.node),
      verifier: nodeAddress(i.verifier),
    })
    .instruction();
}

/** Once a reveal turn ran out: `party` (an authority) is the verifier or node that did not reveal. */
export function revealTimeoutIx(
  execution: PublicKey,
  taskIndex: number,
  party: PublicKey,
): Promise<TransactionInstruction> {
  return program()
    .methods.revealTimeout({ taskIndex, reserved: reserved(7) })
    .accountsStrict({ execution, config: configAddress(), party: nodeAddress(party) })
    .instruction();
}

export function resolveDisputeIx(
  execution: PublicKey,
  taskIndex: number,
  guilty: 'node' | 'verifier',
  node: PublicKey,
  verifier: PublicKey,
  committee: PublicKey[],
): Promise<TransactionInstruction> {
  return program()
    .methods.resolveDispute({
      taskIndex,
      guilty: guilty === 'node' ? GUILTY_NODE : GUILTY_VERIFIER,
      reserved: reserved(6),
    })
    .accountsStrict({
      execution,
      config: configAddress(),
      node: nodeAddress(node),
      verifier: nodeAddress(verifier),
    })
    .remainingAccounts(signers(committee))
    .instruction();
}

export interface SettleInput {
  execution: PublicKey;
  taskIndex: number;
  node: PublicKey;
  nodeWallet: PublicKey;
  /** Absent when the task was not sampled. */
  verifier?: { authority: PublicKey; wallet: PublicKey };
}

export function settleTaskIx(i: SettleInput): Promise<TransactionInstruction> {
  return program()
    .methods.settleTask({ taskIndex: i.taskIndex, reserved: reserved(7) })
    .accountsStrict({
      execution: i.execution,
      config: configAddress(),
      vault: vaultAddress(),
      node: nodeAddress(i.node),
      nodeWallet: i.nodeWallet,
      verifier: nodeAddress(i.verifier?.authority ?? i.node),
      verifierWallet: i.verifier?.wallet ?? i.nodeWallet,
      tokenProgram: TOKEN_PROGRAM,
    })
    .instruction();
}

export function closeExecutionIx(
  client: PublicKey,
  execution: PublicKey,
  clientWallet: PublicKey,
): Promise<TransactionInstruction> {
  return program()
    .methods.closeExecution()
    .accountsStrict({
      client,
      execution,
      config: configAddress(),
      vault: vaultAddress(),
      clientWallet,
      tokenProgram: TOKEN_PROGRAM,
    })
    .instruction();
}

/** Frees task `taskIndex` from `node` (its authority) once that node's deadline has passed. */
export function reassignTaskIx(
  execution: PublicKey,
  taskIndex: number,
  node: PublicKey,
): Promise<TransactionInstruction> {
  return program()
    .methods.reassignTask({ taskIndex, reserved: reserved(7) })
    .accountsStrict({ execution, config: configAddress(), node: nodeAddress(node) })
    .instruction();
}
