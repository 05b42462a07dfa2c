import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { pureJsCrypto } from '@libp2p/noise';
import { fastNoiseCrypto } from '../../../../protocols/noise-fast/index.js';
import { connect, createLoopbackNode } from '../../../support/loopback-libp2p.js';

const ECHO = '/splitup/test-echo/1.0.0';
const bytes = (b: Uint8Array | { subarray(): Uint8Array }) =>
  Buffer.from(b instanceof Uint8Array ? b : b.subarray());

describe('fast noise crypto', () => {
  const k = new Uint8Array(randomBytes(32));
  const nonce = new Uint8Array(12);
  nonce[4] = 7;
  const ad = new Uint8Array(randomBytes(32));

  it('seals exactly like the reference ChaCha20-Poly1305, small and large', () => {
    for (const size of [0, 1, 100, 1199, 1200, 65519]) {
      const plaintext = new Uint8Array(randomBytes(size));
      const ours = bytes(fastNoiseCrypto.chaCha20Poly1305Encrypt(plaintext, nonce, ad, k));
      const reference = bytes(pureJsCrypto.chaCha20Poly1305Encrypt(plaintext, nonce, ad, k));
      assert.deepEqual(ours, reference);
      assert.ok(bytes(fastNoiseCrypto.chaCha20Poly1305Decrypt(reference, nonce, ad, k)).equals(plaintext));
    }
  });

  it('rejects a tampered ciphertext', () => {
    const sealed = bytes(fastNoiseCrypto.chaCha20Poly1305Encrypt(new Uint8Array(64), nonce, ad, k)).slice();
    sealed[3] = sealed[3]! ^ 1;
    assert.throws(() => fastNoiseCrypto.chaCha20Poly1305Decrypt(sealed, nonce, ad, k));
    assert.throws(() => fastNoiseCrypto.chaCha20Poly1305Decrypt(new Uint8Array(8), nonce, ad, k));
  });

  it('agrees with the reference on X25519 and SHA-256', () => {
    const a = fastNoiseCrypto.generateX25519KeyPair();
    const b = pureJsCrypto.generateX25519KeyPair();
    assert.deepEqual(
      bytes(fastNoiseCrypto.generateX25519SharedKey(a.privateKey, b.publicKey)),
      bytes(pureJsCrypto.generateX25519SharedKey(b.privateKey, a.publicKey)),
    );
    const seed = new Uint8Array(randomBytes(32));
    assert.deepEqual(
      bytes(fastNoiseCrypto.generateX25519KeyPairFromSeed(seed).publicKey),
      bytes(pureJsCrypto.generateX25519KeyPairFromSeed(seed).publicKey),
    );
    const data = new Uint8Array(randomBytes(1000));
    assert.deepEqual(bytes(fastNoiseCrypto.hashSHA256(data)), bytes(pureJsCrypto.hashSHA256(data)));
  });

  for (const dialerIsFast of [true, false]) {
    it(`interoperates with a stock noise peer (${dialerIsFast ? 'fast dials stock' : 'stock dials fast'})`, async () => {
      const fast = await createLoopbackNode({ noise: { crypto: fastNoiseCrypto } });
      const stock = await createLoopbackNode({ encrypter: 'noise' });
      const [from, to] = dialerIsFast ? [fast, stock] : [stock, fast];
      try {
        await to.handle(ECHO, async (stream) => {
          for await (const chunk of stream) if (!stream.send(chunk)) await stream.onDrain();
          await stream.close();
        });
        await connect(from, to);
        const stream = await from.dialProtocol(to.peerId, ECHO);
        const payload = new Uint8Array(randomBytes(3 * 1024 * 1024 + 17));
        const echoed: Uint8Array[] = [];
        const reading = (async () => {
          for await (const chunk of stream) echoed.push(bytes(chunk));
        })();
        if (!stream.send(payload)) await stream.onDrain();
        await stream.close();
        await reading;
        assert.ok(Buffer.concat(echoed).equals(payload));
      } finally {
        await fast.stop();
        await stock.stop();
      }
    });
  }
});
