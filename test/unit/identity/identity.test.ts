import assert from 'node:assert/strict';
import { test } from 'node:test';
import { peerIdFromString } from '@libp2p/peer-id';
import { Keypair } from '@solana/web3.js';
import { isCodedError } from '../../../node/errors.js';
import {
  generateIdentity,
  identityFromSeed,
  identityFromSolanaBytes,
  identityToSolanaBytes,
} from '../../../node/identity/identity.js';

test('the Solana address and the PeerId come from the same ed25519 public key', async () => {
  const identity = await generateIdentity();
  const solana = Keypair.fromSecretKey(identityToSolanaBytes(identity));
  assert.equal(solana.publicKey.toBase58(), identity.address);
  assert.deepEqual(solana.publicKey.toBytes(), identity.publicKey);
  const parsed = peerIdFromString(identity.peerId.toString());
  assert.deepEqual(parsed.publicKey?.raw, identity.publicKey);
});

test('a solana-keygen style keypair round-trips to the same identity', async () => {
  const solana = Keypair.generate();
  const identity = await identityFromSolanaBytes(solana.secretKey);
  assert.equal(identity.address, solana.publicKey.toBase58());
  assert.deepEqual(identityToSolanaBytes(identity), solana.secretKey);
});

test('the same seed always gives the same identity', async () => {
  const seed = new Uint8Array(32).fill(7);
  const a = await identityFromSeed(seed);
  const b = await identityFromSeed(seed);
  assert.equal(a.peerId.toString(), b.peerId.toString());
  assert.equal(a.address, b.address);
});

test('a keypair whose public half does not match its seed is rejected with KEYPAIR_MISMATCH', async () => {
  const bytes = identityToSolanaBytes(await generateIdentity());
  bytes[40] = (bytes[40] ?? 0) ^ 0xff;
  await assert.rejects(identityFromSolanaBytes(bytes), (err) => isCodedError(err, 'KEYPAIR_MISMATCH'));
});

test('wrong lengths are rejected with KEYPAIR_INVALID', async () => {
  await assert.rejects(identityFromSolanaBytes(new Uint8Array(63)), (err) =>
    isCodedError(err, 'KEYPAIR_INVALID'),
  );
  await assert.rejects(identityFromSeed(new Uint8Array(31)), (err) => isCodedError(err, 'KEYPAIR_INVALID'));
});
