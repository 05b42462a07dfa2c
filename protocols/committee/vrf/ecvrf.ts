// ECVRF-EDWARDS25519-SHA512-TAI (RFC 9381, suite 0x03): the committee's randomness. A VRF output
// is unique for a key and an input, so the oracle that proves it cannot grind it, only withhold
// it; anyone holding the public key checks the proof. The program verifies the same proofs in C.
import { Point } from '@noble/ed25519';
import { sha512 } from '@noble/hashes/sha2.js';
import { VrfError, VrfErrorCode } from './errors.js';

const SUITE = 0x03;
const DOMAIN_ENCODE = 0x01;
const DOMAIN_CHALLENGE = 0x02;
const DOMAIN_PROOF_TO_HASH = 0x03;
const DOMAIN_BACK = 0x00;
/** The challenge is truncated to 16 bytes (cLen); points and scalars are 32 (ptLen, qLen). */
const C_LEN = 16;
const PT_LEN = 32;
export const VRF_PROOF_BYTES = PT_LEN + C_LEN + 32;
export const VRF_OUTPUT_BYTES = 64;
export const VRF_KEY_BYTES = 32;
const COFACTOR = 8n;
const Q = Point.CURVE().n;

function concat(...parts: (Uint8Array | number)[]): Uint8Array {
  const bytes = parts.map((p) => (typeof p === 'number' ? Uint8Array.of(p) : p));
  const out = new Uint8Array(bytes.reduce((n, b) => n + b.length, 0));
  let at = 0;
  for (const b of bytes) {
    out.set(b, at);
    at += b.length;
  }
  return out;
}

function intFromLe(bytes: Uint8Array): bigint {
  let n = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(bytes[i]!);
  return n;
}

function intToLe(n: bigint, length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++, n >>= 8n) out[i] = Number(n & 0xffn);
  return out;
}

function mod(n: bigint): bigint {
  const r = n % Q;
  return r >= 0n ? r : r + Q;
}

function checkLength(what: string, bytes: Uint8Array, length: number): void {
  if (!(bytes instanceof Uint8Array) || bytes.length !== length)
    throw new VrfError(VrfErrorCode.MALFORMED_INPUT, `${what} must be ${length} bytes`);
}

/** RFC 8032 decoding (canonical y only), or undefined for bytes that are not a point. */
function decodePoint(bytes: Uint8Array): Point | undefined {
  try {
    return Point.fromBytes(bytes, false);
  } catch {
    return undefined;
  }
}

/** The RFC 8032 expansion of a 32-byte secret key: the secret scalar x, the nonce prefix, Y. */
export function vrfKeyPair(secretKey: Uint8Array): {
  scalar: bigint;
  prefix: Uint8Array;
  publicKey: Uint8Array;
} {
  checkLength('a VRF secret key', secretKey, VRF_KEY_BYTES);
  const h = sha512(secretKey);
  const head = h.slice(0, 32);
  head[0]! &= 248;
  head[31]! &= 127;
  head[31]! |= 64;
  const scalar = mod(intFromLe(head));
  return { scalar, prefix: h.slice(32), publicKey: Point.BASE.multiply(scalar).toBytes() };
}

/** Hash to curve by try-and-increment (RFC 9381 §5.4.1.1); `ctr` is the attempt that decoded. */
export function encodeToCurve(publicKey: Uint8Array, alpha: Uint8Array): { point: Point; ctr: number } {
  for (let ctr = 0; ctr < 256; ctr++) {
    const hash = sha512(concat(SUITE, DOMAIN_ENCODE, publicKey, alpha, ctr, DOMAIN_BACK));
    const candidate = decodePoint(hash.subarray(0, PT_LEN));
    if (candidate !== undefined) return { point: candidate.multiplyUnsafe(COFACTOR), ctr };
  }
  // Each attempt decodes with probability about 1/2: 256 failures do not happen.
  throw new VrfError(VrfErrorCode.MALFORMED_INPUT, 'no attempt of hash-to-curve gave a point');
}

function challenge(points: Point[]): bigint {
  const hash = sha512(concat(SUITE, DOMAIN_CHALLENGE, ...points.map((p) => p.toBytes()), DOMAIN_BACK));
  return intFromLe(hash.subarray(0, C_LEN));
}

function outputOf(gamma: Point): Uint8Array {
  return sha512(concat(SUITE, DOMAIN_PROOF_TO_HASH, gamma.multiplyUnsafe(COFACTOR).toBytes(), DOMAIN_BACK));
}

/** The 80-byte proof pi = Gamma ‖ c ‖ s that `alpha` hashes to this key's VRF output. */
export function vrfProve(secretKey: Uint8Array, alpha: Uint8Array): Uint8Array {
  const { scalar, prefix, publicKey } = vrfKeyPair(secretKey);
  const Y = Point.fromBytes(publicKey);
  const { point: H } = encodeToCurve(publicKey, alpha);
  const gamma = H.multiply(scalar);
  const k = mod(intFromLe(sha512(concat(prefix, H.toBytes()))));
  const c = challenge([Y, H, gamma, Point.BASE.multiply(k), H.multiply(k)]);
  const s = mod(k + c * scalar);
  return concat(gamma.toBytes(), intToLe(c, C_LEN), intToLe(s, 32));
}

/** The 64-byte VRF output of a proof (beta); meaningful only once the proof verifies. */
export function vrfProofToHash(proof: Uint8Array): Uint8Array {
  checkLength('a VRF proof', proof, VRF_PROOF_BYTES);
  const gamma = decodePoint(proof.subarray(0, PT_LEN));
  if (gamma === undefined)
    throw new VrfError(VrfErrorCode.MALFORMED_INPUT, 'the proof’s Gamma is not a point');
  return outputOf(gamma);
}

/** Checks `proof` for `alpha` under `publicKey` and returns the VRF output; throws VrfError otherwise. */
export function vrfVerify(publicKey: Uint8Array, proof: Uint8Array, alpha: Uint8Array): Uint8Array {
  checkLength('a VRF public key', publicKey, VRF_KEY_BYTES);
  checkLength('a VRF proof', proof, VRF_PROOF_BYTES);
  const Y = decodePoint(publicKey);
  if (Y === undefined) throw new VrfError(VrfErrorCode.MALFORMED_INPUT, 'the public key is not a point');
  if (Y.isSmallOrder()) throw new VrfError(VrfErrorCode.INVALID_PUBLIC_KEY, 'the public key has small order');
  const gamma = decodePoint(proof.subarray(0, PT_LEN));
  if (gamma === undefined) throw new VrfError(VrfErrorCode.INVALID_PROOF, 'the proof’s Gamma is not a point');
  const c = intFromLe(proof.subarray(PT_LEN, PT_LEN + C_LEN));
  const s = intFromLe(proof.subarray(PT_LEN + C_LEN));
  if (s >= Q) throw new VrfError(VrfErrorCode.INVALID_PROOF, 'the proof’s s is not reduced');
  const { point: H } = encodeToCurve(publicKey, alpha);
  const U = Point.BASE.multiplyUnsafe(s).subtract(Y.multiplyUnsafe(c));
  const V = H.multiplyUnsafe(s).subtract(gamma.multiplyUnsafe(c));
  if (challenge([Y, H, gamma, U, V]) !== c)
    throw new VrfError(VrfErrorCode.INVALID_PROOF, 'the proof does not verify for this key and input');
  return outputOf(gamma);
}
