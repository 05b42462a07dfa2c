// One ed25519 key is a participant's libp2p PeerId and its Solana address.
// The 64-byte form (32-byte seed then 32-byte public key) is both libp2p's raw Ed25519 private key
// and the Solana CLI keypair file's content, so no conversion is needed between them.
import { generateKeyPairFromSeed } from '@libp2p/crypto/keys';
import type { Ed25519PrivateKey, PeerId } from '@libp2p/interface';
import { peerIdFromPrivateKey } from '@libp2p/peer-id';
import { base58btc } from 'multiformats/bases/base58';
import { SplitUpError } from '../errors.js';
import { KeypairErrorCode } from './errors.js';

export const ED25519_SEED_BYTES = 32;
export const ED25519_PUBLIC_KEY_BYTES = 32;
export const SOLANA_KEYPAIR_BYTES = ED25519_SEED_BYTES + ED25519_PUBLIC_KEY_BYTES;

export interface Identity {
  readonly privateKey: Ed25519PrivateKey;
  readonly peerId: PeerId;
  /** 32-byte ed25519 public key. */
  readonly publicKey: Uint8Array;
  /** 32-byte ed25519 seed (the secret). */
  readonly seed: Uint8Array;
  /** The Solana address: base58 of the public key. */
  readonly address: string;
}

/** Base58 (Bitcoin alphabet, no multibase prefix) of a 32-byte public key: a Solana address. */
function solanaAddress(publicKey: Uint8Array): string {
  return base58btc.baseEncode(publicKey);
}

export async function identityFromSeed(seed: Uint8Array): Promise<Identity> {
  if (seed.length !== ED25519_SEED_BYTES) {
    throw new SplitUpError(
      KeypairErrorCode.INVALID,
      `an ed25519 seed is ${ED25519_SEED_BYTES} bytes, got ${seed.length}`,
    );
  }
  const privateKey = await generateKeyPairFromSeed('Ed25519', seed);
  return fromPrivateKey(privateKey);
}

export async function generateIdentity(): Promise<Identity> {
  return identityFromSeed(crypto.getRandomValues(new Uint8Array(ED25519_SEED_BYTES)));
}

/** From the 64-byte Solana keypair form; checks that the public half matches the seed. */
export async function identityFromSolanaBytes(bytes: Uint8Array): Promise<Identity> {
  if (bytes.length !== SOLANA_KEYPAIR_BYTES) {
    throw new SplitUpError(
      KeypairErrorCode.INVALID,
      `a keypair is ${SOLANA_KEYPAIR_BYTES} bytes (seed then public key), got ${bytes.length}`,
    );
  }
  const identity = await identityFromSeed(bytes.subarray(0, ED25519_SEED_BYTES));
  const storedPublic = bytes.subarray(ED25519_SEED_BYTES);
  if (!equalBytes(storedPublic, identity.publicKey)) {
    throw new SplitUpError(
      KeypairErrorCode.MISMATCH,
      `the keypair's public key ${solanaAddress(storedPublic)} does not match its seed (which gives ${identity.address})`,
    );
  }
  return identity;
}

/** The 64-byte Solana keypair form of an identity. */
export function identityToSolanaBytes(identity: Identity): Uint8Array {
  const out = new Uint8Array(SOLANA_KEYPAIR_BYTES);
  out.set(identity.seed, 0);
  out.set(identity.publicKey, ED25519_SEED_BYTES);
  return out;
}

function fromPrivateKey(privateKey: Ed25519PrivateKey): Identity {
  const raw = privateKey.raw;
  const publicKey = privateKey.publicKey.raw;
  // Also accept a 32-byte raw form, should a future @libp2p/crypto return only the seed.
  const seed = raw.subarray(0, ED25519_SEED_BYTES);
  return {
    privateKey,
    peerId: peerIdFromPrivateKey(privateKey),
    publicKey: Uint8Array.from(publicKey),
    seed: Uint8Array.from(seed),
    address: solanaAddress(publicKey),
  };
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}
