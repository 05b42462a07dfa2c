// web3.js Keypairs from Solana CLI keypair files, through the shared identity module (one key
// format for peers and chain), creating missing files so addresses stay stable across restarts.
import { Keypair } from '@solana/web3.js';
import { generateIdentity, identityToSolanaBytes } from '../identity/identity.js';
import { loadOrCreateKeypairFile, readKeypairFile } from '../identity/keypair-file.js';

export async function readSolanaKeypair(path: string): Promise<Keypair> {
  return Keypair.fromSecretKey(identityToSolanaBytes(await readKeypairFile(path)));
}

export async function loadOrCreateSolanaKeypair(path: string): Promise<Keypair> {
  const { identity } = await loadOrCreateKeypairFile(path, generateIdentity);
  return Keypair.fromSecretKey(identityToSolanaBytes(identity));
}
