// Keypair files in the Solana CLI format: a JSON array of 64 integers 0..255 (seed, then public
// key), so `solana-keygen` files work as peer identities and ours work with the Solana CLI.
import { constants } from 'node:fs';
import { mkdir, open, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { SplitUpError } from '../errors.js';
import { KeypairErrorCode } from './errors.js';
import {
  type Identity,
  identityFromSolanaBytes,
  identityToSolanaBytes,
  SOLANA_KEYPAIR_BYTES,
} from './identity.js';

/** Owner read/write only: the file holds the secret seed. */
const KEYPAIR_FILE_MODE = 0o600;

export async function readKeypairFile(path: string): Promise<Identity> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new SplitUpError(
        KeypairErrorCode.NOT_FOUND,
        `no keypair file at ${path} (create one with \`splitup keys generate --keypair ${path}\`)`,
      );
    }
    throw new SplitUpError(
      KeypairErrorCode.UNREADABLE,
      `cannot read keypair file ${path}: ${(err as Error).message}`,
      undefined,
      { cause: err },
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new SplitUpError(KeypairErrorCode.INVALID, `keypair file ${path} is not JSON`, undefined, {
      cause: err,
    });
  }
  if (
    !Array.isArray(parsed) ||
    parsed.length !== SOLANA_KEYPAIR_BYTES ||
    !parsed.every((b) => Number.isInteger(b) && b >= 0 && b <= 255)
  ) {
    throw new SplitUpError(
      KeypairErrorCode.INVALID,
      `keypair file ${path} must be a JSON array of ${SOLANA_KEYPAIR_BYTES} integers 0..255 (Solana CLI format)`,
    );
  }
  try {
    return await identityFromSolanaBytes(Uint8Array.from(parsed as number[]));
  } catch (err) {
    if (err instanceof SplitUpError) {
      throw new SplitUpError(err.code, `keypair file ${path}: ${err.message}`, err.details, { cause: err });
    }
    throw err;
  }
}

/** Writes a new keypair file; refuses to overwrite an existing one unless `overwrite` is set. */
export async function writeKeypairFile(path: string, identity: Identity, overwrite = false): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const flags = overwrite
    ? constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC
    : constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL;
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, flags, KEYPAIR_FILE_MODE);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new SplitUpError(
        KeypairErrorCode.EXISTS,
        `a keypair file already exists at ${path}; refusing to overwrite it (pass --force to replace it)`,
      );
    }
    throw new SplitUpError(
      KeypairErrorCode.UNWRITABLE,
      `cannot write keypair file ${path}: ${(err as Error).message}`,
      undefined,
      { cause: err },
    );
  }
  try {
    await handle.writeFile(`${JSON.stringify(Array.from(identityToSolanaBytes(identity)))}\n`);
  } finally {
    await handle.close();
  }
}

/** Reads the keypair at `path`, creating a fresh one first when the file does not exist. */
export async function loadOrCreateKeypairFile(
  path: string,
  create: () => Promise<Identity>,
): Promise<{ identity: Identity; created: boolean }> {
  try {
    return { identity: await readKeypairFile(path), created: false };
  } catch (err) {
    if (!(err instanceof SplitUpError) || err.code !== KeypairErrorCode.NOT_FOUND) throw err;
  }
  const identity = await create();
  await writeKeypairFile(path, identity);
  return { identity, created: true };
}
