// web3.js Keypairs from Solana CLI keypair files (a JSON array of 64 integers 0..255: seed, then
// public key), so `solana-keygen` files and the peers' own key files work here; missing files are
// created so the ledger's addresses stay stable across restarts. programs/ imports nothing of
// ours, so this is the ledger's own copy of the format node/identity reads.
import { constants } from 'node:fs';
import { mkdir, open, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Keypair } from '@solana/web3.js';
import { LedgerError, LedgerErrorCode } from './errors.js';

/** The Solana CLI keypair: 32-byte ed25519 seed, then the 32-byte public key. */
const KEYPAIR_BYTES = 64;
/** Owner read/write only: the file holds the secret seed. */
const KEYPAIR_FILE_MODE = 0o600;

export async function readSolanaKeypair(path: string): Promise<Keypair> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
    throw new LedgerError(
      missing ? LedgerErrorCode.KEYPAIR_NOT_FOUND : LedgerErrorCode.KEYPAIR_UNREADABLE,
      missing ? `no keypair file at ${path}` : `cannot read keypair file ${path}: ${(err as Error).message}`,
      { path },
      { cause: err },
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new LedgerError(
      LedgerErrorCode.KEYPAIR_MALFORMED,
      `keypair file ${path} is not JSON`,
      { path },
      { cause: err },
    );
  }
  if (
    !Array.isArray(parsed) ||
    parsed.length !== KEYPAIR_BYTES ||
    !parsed.every((b) => Number.isInteger(b) && b >= 0 && b <= 255)
  ) {
    throw new LedgerError(
      LedgerErrorCode.KEYPAIR_MALFORMED,
      `keypair file ${path} must be a JSON array of ${KEYPAIR_BYTES} integers 0..255 (Solana CLI format)`,
      { path },
    );
  }
  try {
    // Checks that the public half is the seed's own public key.
    return Keypair.fromSecretKey(Uint8Array.from(parsed as number[]));
  } catch (err) {
    throw new LedgerError(
      LedgerErrorCode.KEYPAIR_MALFORMED,
      `keypair file ${path}: its public key does not match its seed`,
      { path },
      { cause: err },
    );
  }
}

/** Writes a new keypair file; false when one appeared there meanwhile (it is left as it is). */
async function writeNewKeypairFile(path: string, keypair: Keypair): Promise<boolean> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    await mkdir(dirname(path), { recursive: true });
    handle = await open(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, KEYPAIR_FILE_MODE);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw new LedgerError(
      LedgerErrorCode.KEYPAIR_UNWRITABLE,
      `cannot write keypair file ${path}: ${(err as Error).message}`,
      { path },
      { cause: err },
    );
  }
  try {
    await handle.writeFile(`${JSON.stringify(Array.from(keypair.secretKey))}\n`);
  } finally {
    await handle.close();
  }
  return true;
}

/** Reads the keypair at `path`, creating a fresh one first when the file does not exist. */
export async function loadOrCreateSolanaKeypair(path: string): Promise<Keypair> {
  try {
    return await readSolanaKeypair(path);
  } catch (err) {
    if (!(err instanceof LedgerError) || err.code !== LedgerErrorCode.KEYPAIR_NOT_FOUND) throw err;
  }
  const keypair = Keypair.generate();
  return (await writeNewKeypairFile(path, keypair)) ? keypair : readSolanaKeypair(path);
}
