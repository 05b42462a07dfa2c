// The fee a transaction pays: the base fee per signature plus the priority fee its compute-budget
// instructions ask for (price in micro-lamports per compute unit times the unit limit).
import { ComputeBudgetProgram, type VersionedMessage } from '@solana/web3.js';
import { LAMPORTS_PER_SIGNATURE } from './constants.js';

const SET_COMPUTE_UNIT_LIMIT = 2;
const SET_COMPUTE_UNIT_PRICE = 3;
const MICRO_LAMPORTS_PER_LAMPORT = 1_000_000n;
/** Agave's default limit per instruction when none is set, and the per-transaction ceiling. */
const DEFAULT_UNITS_PER_INSTRUCTION = 200_000n;
const MAX_COMPUTE_UNIT_LIMIT = 1_400_000n;

export function transactionFee(message: VersionedMessage): number {
  const computeBudget = ComputeBudgetProgram.programId.toBase58();
  const staticKeys = message.staticAccountKeys.map((k) => k.toBase58());
  let price = 0n;
  let limit: bigint | undefined;
  let otherInstructions = 0n;
  for (const ix of message.compiledInstructions) {
    if (staticKeys[ix.programIdIndex] !== computeBudget) {
      otherInstructions++;
      continue;
    }
    const data = ix.data;
    const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
    if (data[0] === SET_COMPUTE_UNIT_PRICE && data.length >= 9) price = view.getBigUint64(1, true);
    if (data[0] === SET_COMPUTE_UNIT_LIMIT && data.length >= 5) limit = BigInt(view.getUint32(1, true));
  }
  const units = limit ?? otherInstructions * DEFAULT_UNITS_PER_INSTRUCTION;
  const capped = units > MAX_COMPUTE_UNIT_LIMIT ? MAX_COMPUTE_UNIT_LIMIT : units;
  const priority = (price * capped + MICRO_LAMPORTS_PER_LAMPORT - 1n) / MICRO_LAMPORTS_PER_LAMPORT;
  return message.header.numRequiredSignatures * LAMPORTS_PER_SIGNATURE + Number(priority);
}
