// Deploys a program .so into the ledger through the real upgradeable loader (buffer, write,
// deploy — the program agent's helper in programs/runtime), funded from the ledger's faucet.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { Keypair } from '@solana/web3.js';
import { deployUpgradeable } from '../runtime/upgradeable-loader.js';
import { deploySplitup, SPLITUP_KEYPAIR_PATH, SPLITUP_SO_PATH } from '../splitup/deploy.js';
import type { LedgerBank } from './bank.js';
import { LedgerError, LedgerErrorCode } from './errors.js';
import { readSolanaKeypair } from './keypair-file.js';

const PROGRAM_KEYPAIR_NAME = 'program-keypair.json';

/** Lamports for the deployer: rent of the buffer and program-data accounts (2× the ELF) and fees. */
function deployerLamports(elfBytes: number): bigint {
  const LAMPORTS_PER_BYTE_RENT = 6960n; // litesvm's rent rate, lamports per byte (exemption included)
  const ACCOUNT_OVERHEAD = 128n;
  const SAFETY = 10n * 1_000_000_000n;
  return (3n * BigInt(elfBytes) + 4n * ACCOUNT_OVERHEAD) * LAMPORTS_PER_BYTE_RENT + SAFETY;
}

/** Our committed SplitUp program build, when present. */
export function findDefaultProgram(): string | undefined {
  return existsSync(SPLITUP_SO_PATH) ? SPLITUP_SO_PATH : undefined;
}

/** The program keypair next to the .so or one folder up (programs/<name>/program-keypair.json). */
export function findProgramKeypair(soPath: string): string | undefined {
  const dir = dirname(resolve(soPath));
  return [join(dir, PROGRAM_KEYPAIR_NAME), join(dirname(dir), PROGRAM_KEYPAIR_NAME)].find((p) =>
    existsSync(p),
  );
}

/** `upgradeAuthority` (a throwaway key when absent) is the one key that may initialize SplitUp. */
export async function deployProgramFile(
  bank: LedgerBank,
  soPath: string,
  keypairPath?: string,
  upgradeAuthority?: Keypair,
): Promise<string> {
  let elf: Uint8Array;
  try {
    elf = new Uint8Array(readFileSync(soPath));
  } catch (err) {
    throw new LedgerError(
      LedgerErrorCode.PROGRAM_UNREADABLE,
      `cannot read program ${soPath}: ${(err as Error).message}`,
    );
  }
  const isSplitup =
    resolve(soPath) === SPLITUP_SO_PATH && (!keypairPath || resolve(keypairPath) === SPLITUP_KEYPAIR_PATH);
  const programKeypair = keypairPath ? await readSolanaKeypair(keypairPath) : Keypair.generate();
  const deployer = Keypair.generate();
  bank.fund(deployer.publicKey.toBase58(), deployerLamports(elf.length));
  try {
    return bank
      .runDirect((svm) =>
        isSplitup
          ? deploySplitup(svm, deployer, elf, upgradeAuthority)
          : deployUpgradeable(svm, deployer, programKeypair, elf, Keypair.generate(), upgradeAuthority),
      )
      .toBase58();
  } catch (err) {
    throw new LedgerError(
      LedgerErrorCode.PROGRAM_DEPLOY_FAILED,
      `deploying ${soPath} through the upgradeable loader failed: ${(err as Error).message}`,
      undefined,
      { cause: err },
    );
  }
}
