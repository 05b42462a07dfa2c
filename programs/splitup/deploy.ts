import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Keypair, type PublicKey } from '@solana/web3.js';
import type { LiteSVM } from 'litesvm';
import { deployUpgradeable } from '../runtime/upgradeable-loader.js';

/** The committed build (scripts/check-program-build.sh proves it matches the sources). */
export const SPLITUP_SO_PATH = fileURLToPath(new URL('./dist/splitup.so', import.meta.url));
export const SPLITUP_KEYPAIR_PATH = fileURLToPath(new URL('./program-keypair.json', import.meta.url));

/** The program's keypair (Solana CLI JSON format); its public key is the IDL's `address`. */
export function splitupProgramKeypair(): Keypair {
  const secret = JSON.parse(readFileSync(SPLITUP_KEYPAIR_PATH, 'utf8')) as number[];
  return Keypair.fromSecretKey(Uint8Array.from(secret));
}

/**
 * Deploys the SplitUp program into a LiteSVM through the real upgradeable loader (buffer, write,
 * deploy), with `payer` as fee payer and `upgradeAuthority` (the payer unless given) as upgrade
 * authority, the one key that may then initialize it. Returns the program id.
 */
export function deploySplitup(
  svm: LiteSVM,
  payer: Keypair,
  elf: Uint8Array = new Uint8Array(readFileSync(SPLITUP_SO_PATH)),
  upgradeAuthority: Keypair = payer,
): PublicKey {
  return deployUpgradeable(svm, payer, splitupProgramKeypair(), elf, Keypair.generate(), upgradeAuthority);
}
