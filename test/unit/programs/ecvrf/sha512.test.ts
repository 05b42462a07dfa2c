// The program's C SHA-512 (programs/splitup/src/sha512.c) in the real runtime, against the FIPS
// 180-4 example messages and node:crypto across the padding and block boundaries.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { before, describe, it } from 'node:test';
import { deployEcvrfHarness, type EcvrfHarness } from './harness.js';

const toHex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const ascii = (s: string) => new TextEncoder().encode(s);

// FIPS 180-4 examples (NIST CSRC "SHA512.pdf", "SHA2_Additional"): the empty string, one block,
// the 448-bit message and the 896-bit message that needs a second padding block.
const NIST_VECTORS = [
  {
    message: '',
    digest:
      'cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e',
  },
  {
    message: 'abc',
    digest:
      'ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f',
  },
  {
    message: 'abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq',
    digest:
      '204a8fc6dda82f0a0ced7beb8e08a41657c16ef468b228a8279be331a703c33596fd15c13b1b07f9aa1d3bea57789ca031ad85c7a71dd70354ec631238ca3445',
  },
  {
    message:
      'abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu',
    digest:
      '8e959b75dae313da8cf4f72814fc143f8f7779c6eb9f7fa17299aeadb6889018501d289e4900f7e4331b99dec4b5433ac7d329eeb6dd26545e96e55b874be909',
  },
];

/** Lengths where the padding changes shape: 111 is the last to fit one block, 128 a full block. */
const BOUNDARY_LENGTHS = [1, 55, 111, 112, 113, 127, 128, 129, 239, 240, 255, 256, 257, 600];

function digestInC(harness: EcvrfHarness, message: Uint8Array, split?: number): string {
  const result = harness.sha512(message, split);
  assert.ok(result.ok, `the harness refused a ${message.length}-byte message`);
  return toHex(result.output);
}

describe('SHA-512 in C (sha512.c), in LiteSVM', () => {
  let harness: EcvrfHarness;
  before(() => {
    harness = deployEcvrfHarness();
  });

  it('reproduces the FIPS 180-4 example digests', () => {
    for (const { message, digest } of NIST_VECTORS) {
      // The table itself is checked against node:crypto, so a typo in it cannot pass.
      assert.equal(createHash('sha512').update(message).digest('hex'), digest);
      assert.equal(digestInC(harness, ascii(message)), digest, JSON.stringify(message));
    }
  });

  it('agrees with node:crypto at every padding boundary, however the input is split into updates', () => {
    for (const length of BOUNDARY_LENGTHS) {
      const message = randomBytes(length);
      const expected = createHash('sha512').update(message).digest('hex');
      for (const split of new Set([0, 1, Math.floor(length / 2), length - 1, length]))
        assert.equal(digestInC(harness, message, split), expected, `length ${length}, split ${split}`);
    }
  });

  it('differs for inputs one bit apart (the test can fail)', () => {
    const message = randomBytes(200);
    const flipped = Uint8Array.from(message);
    flipped[150]! ^= 0x80;
    assert.notEqual(digestInC(harness, message), digestInC(harness, flipped));
  });
});
