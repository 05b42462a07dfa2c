import { PublicKey } from '@solana/web3.js';

/** The BPF upgradeable loader: it owns an upgradeable program's account and its program data. */
export const BPF_LOADER_UPGRADEABLE_ID = new PublicKey('BPFLoaderUpgradeab1e11111111111111111111111');

/** The program-data account of an upgradeable program: PDA [program id] of the loader. */
export function programDataAddress(programId: PublicKey): PublicKey {
  return PublicKey.findProgramAddressSync([programId.toBuffer()], BPF_LOADER_UPGRADEABLE_ID)[0];
}
