import {
  type Keypair,
  type PublicKey,
  SYSVAR_CLOCK_PUBKEY,
  SYSVAR_RENT_PUBKEY,
  SystemProgram,
  TransactionInstruction,
} from '@solana/web3.js';
import type { LiteSVM } from 'litesvm';
import { BPF_LOADER_UPGRADEABLE_ID, programDataAddress } from './loader-address.js';
import { sendInstructions } from './send-transaction.js';

/** UpgradeableLoaderState sizes (bincode): enum tag + Option<Pubkey> / Pubkey / slot + Option<Pubkey>. */
const BUFFER_METADATA_SIZE = 37;
const PROGRAM_ACCOUNT_SIZE = 36;
/** Bytes of program per Write instruction: keeps the transaction under the 1232-byte packet. */
const WRITE_CHUNK_BYTES = 900;

const IX_INITIALIZE_BUFFER = 0;
const IX_WRITE = 1;
const IX_DEPLOY_WITH_MAX_DATA_LEN = 2;
const IX_SET_AUTHORITY = 4;

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

/**
 * Deploys an SBPF shared object through the real upgradeable loader: create and initialize a
 * buffer, write the bytes in chunks, then DeployWithMaxDataLen. The loader verifies the ELF
 * exactly as a cluster would. `payer` pays; `upgradeAuthority` (the payer unless given) becomes the
 * program's upgrade authority. Advances one slot so the program is visible.
 */
export function deployUpgradeable(
  svm: LiteSVM,
  payer: Keypair,
  program: Keypair,
  elf: Uint8Array,
  buffer: Keypair,
  upgradeAuthority: Keypair = payer,
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
          { pubkey: upgradeAuthority.publicKey, isSigner: false, isWritable: false },
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
            { pubkey: upgradeAuthority.publicKey, isSigner: true, isWritable: false },
          ],
          data: Buffer.concat([u32(IX_WRITE), u32(offset), u64(chunk.length), Buffer.from(chunk)]),
        }),
      ],
      [payer, upgradeAuthority],
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
          { pubkey: upgradeAuthority.publicKey, isSigner: true, isWritable: false },
        ],
        data: Buffer.concat([u32(IX_DEPLOY_WITH_MAX_DATA_LEN), u64(elf.length * 2)]),
      }),
    ],
    [payer, program, upgradeAuthority],
  );
  svm.warpToSlot(svm.getClock().slot + 1n);
  return program.publicKey;
}

/**
 * The loader's SetAuthority on a program: `current` hands the upgrade authority to `next`, or
 * with `next` null gives it up for good (the program becomes immutable).
 */
export function setUpgradeAuthority(
  svm: LiteSVM,
  payer: Keypair,
  programId: PublicKey,
  current: Keypair,
  next: PublicKey | null,
): void {
  const keys = [
    { pubkey: programDataAddress(programId), isSigner: false, isWritable: true },
    { pubkey: current.publicKey, isSigner: true, isWritable: false },
  ];
  if (next) keys.push({ pubkey: next, isSigner: false, isWritable: false });
  sendInstructions(
    svm,
    [new TransactionInstruction({ programId: BPF_LOADER_UPGRADEABLE_ID, keys, data: u32(IX_SET_AUTHORITY) })],
    [payer, current],
  );
}
