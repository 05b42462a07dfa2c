// The program's C ECVRF verification (programs/splitup/src/ecvrf.c) in the real runtime, against
// the RFC 9381 examples and, on every other input, against vrfVerify of the TypeScript side: the
// same output where it accepts, a refusal of the matching code where it refuses.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { before, describe, it } from 'node:test';
import { Point } from '@noble/ed25519';
import { encodeToCurve, vrfKeyPair, vrfProve, vrfVerify } from '../../../../protocols/committee/vrf/ecvrf.js';
import { isCodedError } from '../../../../storage/errors/index.js';
import { deployEcvrfHarness, ECVRF_ERRORS, type EcvrfErrorNumber, type EcvrfHarness } from './harness.js';
import { RFC_EXAMPLES } from './rfc-examples.js';

const hex = (s: string) => Uint8Array.from(Buffer.from(s, 'hex'));
const toHex = (b: Uint8Array) => Buffer.from(b).toString('hex');

/** Random keys and inputs; alpha up to 300 bytes so hash to curve spans one to three blocks. */
const RANDOM_CASES = 24;
const Q = Point.CURVE().n;
const GAMMA_AT = 0;
const C_AT = 32;
const S_AT = 48;

/** The eight points of small order, canonically encoded (libsodium's blocklist, canonical part). */
const SMALL_ORDER_POINTS = [
  '0100000000000000000000000000000000000000000000000000000000000000', // identity
  'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f', // order 2 (y = -1)
  '0000000000000000000000000000000000000000000000000000000000000000', // order 4 (y = 0)
  '0000000000000000000000000000000000000000000000000000000000000080',
  '26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05', // order 8
  '26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85',
  'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a',
  'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa',
].map(hex);

/**
 * Encodings RFC 8032 refuses though curve25519-dalek (behind the syscalls) decodes some of them:
 * y >= p (dalek reduces y = p + 1 to 1, the identity), and x = 0 with the sign bit set.
 */
const NON_CANONICAL_POINTS = [
  'edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f', // y = p (= 0 mod p)
  'eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f', // y = p + 1 (= 1 mod p)
  'eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff', // y = p + 1, sign bit set
  '0100000000000000000000000000000000000000000000000000000000000080', // y = 1, x = 0, sign bit set
  'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff', // y = -1, x = 0, sign bit set
].map(hex);

type Outcome = { ok: true; beta: string } | { ok: false; code: string };

function inTypeScript(pk: Uint8Array, proof: Uint8Array, alpha: Uint8Array): Outcome {
  try {
    return { ok: true, beta: toHex(vrfVerify(pk, proof, alpha)) };
  } catch (err) {
    if (isCodedError(err)) return { ok: false, code: err.code };
    throw err;
  }
}

/** The C verdict, with its error number, and the TypeScript code that number stands for. */
function inC(harness: EcvrfHarness, pk: Uint8Array, proof: Uint8Array, alpha: Uint8Array) {
  const result = harness.verify(pk, proof, alpha);
  if (result.ok) return { outcome: { ok: true, beta: toHex(result.output) } as Outcome, errorNumber: 0 };
  const known = ECVRF_ERRORS[result.errorNumber as EcvrfErrorNumber];
  assert.ok(known?.ts, `the harness failed with ${result.errorNumber}, not an ECVRF refusal`);
  return { outcome: { ok: false, code: known.ts } as Outcome, errorNumber: result.errorNumber };
}

/** Asserts both sides reach the same verdict; returns the C error number (0 when accepted). */
function agree(
  harness: EcvrfHarness,
  pk: Uint8Array,
  proof: Uint8Array,
  alpha: Uint8Array,
  what: string,
): number {
  const c = inC(harness, pk, proof, alpha);
  assert.deepEqual(c.outcome, inTypeScript(pk, proof, alpha), what);
  return c.errorNumber;
}

function withByte(bytes: Uint8Array, at: number, value: (old: number) => number): Uint8Array {
  const out = Uint8Array.from(bytes);
  out[at] = value(out[at]!);
  return out;
}

function leToInt(bytes: Uint8Array): bigint {
  let n = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(bytes[i]!);
  return n;
}

function withS(proof: Uint8Array, s: bigint): Uint8Array {
  const out = Uint8Array.from(proof);
  for (let i = S_AT; i < S_AT + 32; i++, s >>= 8n) out[i] = Number(s & 0xffn);
  return out;
}

/** The first 32-byte string from `seed` upwards that does not decode as a point. */
function notAPoint(seed: Uint8Array): Uint8Array {
  for (let bump = 0; ; bump++) {
    const candidate = withByte(seed, 0, (b) => (b + bump) & 0xff);
    try {
      Point.fromBytes(candidate, false);
    } catch {
      return candidate;
    }
  }
}

describe('ECVRF verification in C (ecvrf.c), in LiteSVM', () => {
  let harness: EcvrfHarness;
  before(() => {
    harness = deployEcvrfHarness();
  });

  it('verifies the RFC 9381 examples 16–18 to their beta byte for byte', () => {
    for (const ex of RFC_EXAMPLES) {
      const result = harness.verify(ex.pk, ex.pi, ex.alpha);
      assert.ok(result.ok, `example refused with ${result.ok ? '' : result.errorNumber}`);
      assert.equal(toHex(result.output), ex.beta);
      assert.equal(encodeToCurve(ex.pk, ex.alpha).ctr, ex.ctr);
    }
  });

  it(`agrees with vrfVerify on ${RANDOM_CASES} random keys and inputs proved by vrfProve, and on their tampered copies`, () => {
    const outputs = new Set<string>();
    for (let i = 0; i < RANDOM_CASES; i++) {
      const sk = randomBytes(32);
      const alpha = randomBytes(Math.floor((i * 300) / RANDOM_CASES));
      const { publicKey } = vrfKeyPair(sk);
      const proof = vrfProve(sk, alpha);
      const result = harness.verify(publicKey, proof, alpha);
      assert.ok(result.ok, `case ${i} refused with ${result.ok ? '' : result.errorNumber}`);
      assert.equal(toHex(result.output), toHex(vrfVerify(publicKey, proof, alpha)), `case ${i}`);
      outputs.add(toHex(result.output));
      // The same proof with one bit flipped, and for an input one byte longer: both refuse.
      const bit = (i * 211 + 3) % (8 * proof.length); // spread over Gamma, c and s
      const flipped = withByte(proof, bit >> 3, (b) => b ^ (1 << (bit & 7)));
      assert.notEqual(agree(harness, publicKey, flipped, alpha, `case ${i}, bit ${bit}`), 0);
      const longer = Uint8Array.from([...alpha, 0]);
      assert.equal(agree(harness, publicKey, proof, longer, `case ${i}, longer alpha`), 6);
    }
    assert.equal(outputs.size, RANDOM_CASES);
  });

  it('refuses a bit flipped anywhere in Gamma, c or s, exactly as vrfVerify does', () => {
    const ex = RFC_EXAMPLES[2]!;
    const seen = new Set<number>();
    // Every third byte, and the top byte of s, where bit 7 pushes s past q.
    for (const at of [...Array.from({ length: 27 }, (_, i) => i * 3), 79]) {
      for (const bit of [0, 7]) {
        const bad = withByte(ex.pi, at, (b) => b ^ (1 << bit));
        const errorNumber = agree(harness, ex.pk, bad, ex.alpha, `byte ${at} bit ${bit}`);
        assert.notEqual(errorNumber, 0, `byte ${at} bit ${bit} was accepted`);
        seen.add(errorNumber);
      }
    }
    // Flips make Gamma undecodable, push s past q, or break the challenge: all three are exercised.
    assert.deepEqual(
      [...seen].sort(),
      [3, 4, 6],
      `codes seen: ${[...seen].map((n) => ECVRF_ERRORS[n as EcvrfErrorNumber].name)}`,
    );
  });

  it('refuses an unreduced s (s + q) with ECVRF_ERR_S_UNREDUCED, and s = q', () => {
    const ex = RFC_EXAMPLES[1]!;
    const s = leToInt(ex.pi.subarray(S_AT));
    assert.equal(agree(harness, ex.pk, withS(ex.pi, s + Q), ex.alpha, 's + q'), 4);
    assert.equal(agree(harness, ex.pk, withS(ex.pi, Q), ex.alpha, 's = q'), 4);
    assert.equal(agree(harness, ex.pk, withS(ex.pi, Q - 1n), ex.alpha, 's = q - 1'), 6);
  });

  it('refuses c = 0 and a proof for another input or another key with ECVRF_ERR_CHALLENGE_MISMATCH', () => {
    const [a, b] = [RFC_EXAMPLES[1]!, RFC_EXAMPLES[2]!];
    const zeroC = Uint8Array.from(b.pi).fill(0, C_AT, S_AT);
    assert.equal(agree(harness, b.pk, zeroC, b.alpha, 'c = 0'), 6);
    assert.equal(agree(harness, b.pk, b.pi, hex('af83'), 'another alpha'), 6);
    assert.equal(agree(harness, b.pk, b.pi, new Uint8Array(0), 'empty alpha'), 6);
    assert.equal(agree(harness, a.pk, b.pi, b.alpha, 'another key'), 6);
  });

  it('refuses each of the eight small-order keys with ECVRF_ERR_KEY_SMALL_ORDER', () => {
    const ex = RFC_EXAMPLES[0]!;
    for (const pk of SMALL_ORDER_POINTS) {
      assert.ok(Point.fromBytes(pk, false).isSmallOrder(), `${toHex(pk)} is of small order`);
      assert.equal(agree(harness, pk, ex.pi, ex.alpha, toHex(pk)), 2, toHex(pk));
    }
  });

  it('refuses a key that is not a point, or not a canonical encoding, with ECVRF_ERR_KEY_NOT_POINT', () => {
    const ex = RFC_EXAMPLES[0]!;
    for (const pk of [notAPoint(ex.pk), ...NON_CANONICAL_POINTS])
      assert.equal(agree(harness, pk, ex.pi, ex.alpha, toHex(pk)), 1, toHex(pk));
  });

  it('refuses a Gamma that is not a point, or not a canonical encoding, with ECVRF_ERR_GAMMA_NOT_POINT', () => {
    const ex = RFC_EXAMPLES[0]!;
    const gammas = [notAPoint(ex.pi.subarray(GAMMA_AT, C_AT)), ...NON_CANONICAL_POINTS];
    for (const gamma of gammas) {
      const bad = Uint8Array.from(ex.pi);
      bad.set(gamma, GAMMA_AT);
      assert.equal(agree(harness, ex.pk, bad, ex.alpha, toHex(gamma)), 3, toHex(gamma));
    }
  });
});
