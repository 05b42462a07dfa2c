import { PublicKey } from '@solana/web3.js';
import { programDataAddress } from '../../runtime/loader-address.js';
import { CONFIG_SEED, NODE_SEED, VAULT_SEED } from './generated/splitup.js';
import { SPLITUP_PROGRAM_ID } from './program.js';

const enc = (s: string) => Buffer.from(s, 'utf8');

export function configAddress(programId: PublicKey = SPLITUP_PROGRAM_ID): PublicKey {
  return PublicKey.findProgramAddressSync([enc(CONFIG_SEED)], programId)[0];
}

export function vaultAddress(programId: PublicKey = SPLITUP_PROGRAM_ID): PublicKey {
  return PublicKey.findProgramAddressSync([enc(VAULT_SEED)], programId)[0];
}

export function nodeAddress(authority: PublicKey, programId: PublicKey = SPLITUP_PROGRAM_ID): PublicKey {
  return PublicKey.findProgramAddressSync([enc(NODE_SEED), authority.toBuffer()], programId)[0];
}

/** The program-data account of the SplitUp program, where the loader keeps its upgrade authority. */
export function splitupProgramDataAddress(programId: PublicKey = SPLITUP_PROGRAM_ID): PublicKey {
  return programDataAddress(programId);
}
