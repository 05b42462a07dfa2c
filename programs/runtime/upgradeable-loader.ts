import {
  type Keypair,
  PublicKey,
  SYSVAR_CLOCK_PUBKEY,
  SYSVAR_RENT_PUBKEY,
  SystemProgram,
  TransactionInstruction,
} from '@solana/web3.js';
import type { LiteSVM } from 'litesvm';
import { sendInstructions } from './send-transaction.js';

export const BPF_LOADER_UPGRADEABLE_ID = new PublicKey('BPFLoaderUpgradeab1e11111111111111111111111');

/** UpgradeableLoaderState sizes (bincode): enum tag + Option<Pubkey> / Pubkey / slot + Option<Pubkey>. */
const BUFFER_METADATA_SIZE = 37;
const PROGRAM_ACCOUNT_SIZE = 36;
/** Bytes of program per Write instruction: keeps the transaction under the 1232-byte packet. */
const WRITE_CHUNK_BYTES = 900;

const IX_INITIALIZE_BUFFER = 0;
const IX_WRITE = 1;
const IX_DEPLOY_WITH_MAX_DATA_LEN = 2;

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n);
  return b;
}

function u64(n: number | bigint): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(BigInt(n));
  return b;
}

export function programDataAddress(programId: PublicKey): PublicKey {
  return PublicKey.findProgramAddressSync([programId.toBuffer()], BPF_LOADER_UPGRADEABLE_ID)[0];
}

/**
 * Deploys an SBPF shared object through the real upgradeable loader: create and initialize a
 * buffer, write the bytes in chunks, then DeployWithMaxDataLen. The loader verifies the ELF
 * exactly as a cluster would. Advances one slot so the program is visible.
 */
export function deployUpgradeable(
  svm: LiteSVM,
  payer: Keypair,
  program: Keypair,
  elf: Uint8Array,
  buffer: Keypair,
): PublicKey {
  const bufferSize = BUFFER_METADATA_SIZE + elf.length;
  sendInstructions(
    svm,
    [
      SystemProgram.createAccount({
        fromPubkey: payer.publicKey,
        newAccountPubkey: buffer.publicKey,
        lamports: Number(svm.minimumBalanceForRentExemption(BigInt(bufferSize))),
        space: bufferSize,
        programId: BPF_LOADER_UPGRADEABLE_ID,
      }),
      new TransactionInstruction({
        programId: BPF_LOADER_UPGRADEABLE_ID,
        keys: [
          { pubkey: buffer.publicKey, isSigner: false, isWritable: true },
          { pubkey: payer.publicKey, isSigner: false, isWritable: false },
        ],
        data: u32(IX_INITIALIZE_BUFFER),
      }),
    ],
    [payer, buffer],
  );
  for (let offset = 0; offset < elf.length; offset += WRITE_CHUNK_BYTES) {
    const chunk = elf.subarray(offset, offset + WRITE_CHUNK_BYTES);
    sendInstructions(
      svm,
      [
        new TransactionInstruction({
          programId: BPF_LOADER_UPGRADEABLE_ID,
          keys: [
            { pubkey: buffer.publicKey, isSigner: false, isWritable: true },
            { pubkey: payer.publicKey, isSigner: true, isWritable: false },
          ],
          data: Buffer.concat([u32(IX_WRITE), u32(offset), u64(chunk.length), Buffer.from(chunk)]),
        }),
      ],
      [payer],
    );
  }
  const programData = programDataAddress(program.publicKey);
  sendInstructions(
    svm,
    [
      SystemProgram.createAccount({
        fromPubkey: payer.publicKey,
        newAccountPubkey: program.publicKey,
        lamports: Number(svm.minimumBalanceForRentExemption(BigInt(PROGRAM_ACCOUNT_SIZE))),
        space: PROGRAM_ACCOUNT_SIZE,
        programId: BPF_LOADER_UPGRADEABLE_ID,
      }),
      new TransactionInstruction({
        programId: BPF_LOADER_UPGRADEABLE_ID,
        keys: [
          { pubkey: payer.publicKey, isSigner: true, isWritable: true },
          { pubkey: programData, isSigner: false, isWritable: true },
          { pubkey: program.publicKey, isSigner: false, isWritable: true },
          { pubkey: buffer.publicKey, isSigner: false, isWritable: true },
          { pubkey: SYSVAR_RENT_PUBKEY, isSigner: false, isWritable: false },
          { pubkey: SYSVAR_CLOCK_PUBKEY, isSigner: false, isWritable: false },
          { pubkey: SystemProgram.programId, isSigner: false, isWritable: false },
          { pubkey: payer.publicKey, isSigner: true, isWritable: false },
        ],
        data: Buffer.concat([u32(IX_DEPLOY_WITH_MAX_DATA_LEN), u64(elf.length * 2)]),
      }),
    ],
    [payer, program],
  );
  svm.warpToSlot(svm.getClock().slot + 1n);
  return program.publicKey;
}
