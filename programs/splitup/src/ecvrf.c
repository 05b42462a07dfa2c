/* ECVRF verification, RFC 9381 §5.3 for ECVRF-EDWARDS25519-SHA512-TAI. Each step is its own
 * NOINLINE function so every frame stays under the 512-byte BPF stack limit. */
#include "ecvrf.h"
#include "sha512.h"

#define SUITE 0x03
#define DOMAIN_ENCODE 0x01
#define DOMAIN_CHALLENGE 0x02
#define DOMAIN_PROOF_TO_HASH 0x03
#define DOMAIN_BACK 0x00
#define POINT_BYTES 32
#define SCALAR_BYTES 32
#define C_BYTES 16
#define GAMMA_AT 0
#define C_AT 32
#define S_AT 48
/* RFC 9381 §5.4.1.1 counts ctr in one byte; each attempt decodes with probability about 1/2. */
#define MAX_ENCODE_ATTEMPTS 256

/* The group order q = 2^252 + 27742317777372353535851937790883648493, little-endian. */
static const u8 GROUP_ORDER[SCALAR_BYTES] = {
    0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10,
};

/* The base point B of RFC 8032 (y = 4/5), compressed. */
static const u8 BASE_POINT[POINT_BYTES] = {
    0x58, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
    0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
};

static bool bytes_eq(const u8 *a, const u8 *b, u64 n) {
  u8 diff = 0;
  for (u64 i = 0; i < n; i++) diff |= a[i] ^ b[i];
  return diff == 0;
}

/*
 * RFC 8032 §5.1.3 refuses what curve25519-dalek's decompress (behind the syscalls) accepts: y >= p,
 * and x = 0 with the sign bit set (y = 1 or y = p - 1). Refusing them here makes decoding match
 * ecvrf.ts and makes a decoded point's bytes its canonical encoding, which the challenge hashes.
 */
static bool is_canonical_encoding(const u8 e[POINT_BYTES]) {
  bool high_all_ones = (e[31] & 0x7f) == 0x7f;
  for (int i = 1; i < 31; i++) high_all_ones = high_all_ones && e[i] == 0xff;
  if (high_all_ones && e[0] >= 0xed) return false; /* y >= p = 2^255 - 19 */
  if ((e[31] & 0x80) == 0) return true;
  bool y_is_minus_one = high_all_ones && e[0] == 0xec;
  bool y_is_one = e[0] == 1 && (e[31] & 0x7f) == 0;
  for (int i = 1; i < 31; i++) y_is_one = y_is_one && e[i] == 0;
  return !(y_is_one || y_is_minus_one);
}

static bool decode_point(const u8 e[POINT_BYTES]) {
  u8 unused;
  return is_canonical_encoding(e) && sol_curve_validate_point(CURVE25519_EDWARDS, e, &unused) == 0;
}

/* 8·P by three doublings (3 × 473 CU against 2,177 for one scalar multiplication); no syscall
 * writes a buffer it reads. */
NOINLINE static u64 times_cofactor(const u8 p[POINT_BYTES], u8 out[POINT_BYTES]) {
  u8 p2[POINT_BYTES], p4[POINT_BYTES];
  if (sol_curve_group_op(CURVE25519_EDWARDS, CURVE_OP_ADD, p, p, p2) ||
      sol_curve_group_op(CURVE25519_EDWARDS, CURVE_OP_ADD, p2, p2, p4) ||
      sol_curve_group_op(CURVE25519_EDWARDS, CURVE_OP_ADD, p4, p4, out))
    return ECVRF_ERR_CURVE_SYSCALL;
  return 0;
}

static bool is_identity(const u8 p[POINT_BYTES]) {
  u8 rest = 0;
  for (int i = 1; i < POINT_BYTES; i++) rest |= p[i];
  return p[0] == 1 && rest == 0;
}

/* s < q, comparing little-endian numbers from the most significant byte. */
static bool is_reduced(const u8 s[SCALAR_BYTES]) {
  for (int i = SCALAR_BYTES - 1; i >= 0; i--)
    if (s[i] != GROUP_ORDER[i]) return s[i] < GROUP_ORDER[i];
  return false;
}

/* q - c for 0 < c < 2^128 (so the result is canonical), and 0 for c = 0. */
static void negate_challenge(const u8 c[C_BYTES], u8 out[SCALAR_BYTES]) {
  u8 any = 0;
  for (int i = 0; i < C_BYTES; i++) any |= c[i];
  u64 borrow = 0;
  for (int i = 0; i < SCALAR_BYTES; i++) {
    u64 sub = (i < C_BYTES ? c[i] : 0) + borrow;
    u64 q = GROUP_ORDER[i];
    out[i] = (u8)(q - sub);
    borrow = q < sub;
  }
  if (!any)
    for (int i = 0; i < SCALAR_BYTES; i++) out[i] = 0;
}

/* ECVRF_encode_to_curve_try_and_increment (§5.4.1.1): H = 8 · (first decoding hash). Every attempt
 * hashes the same suite ‖ 0x01 ‖ PK ‖ alpha before ctr, so that prefix is absorbed once and each
 * attempt resumes from a copy: a long alpha costs its blocks once, not once per attempt. */
NOINLINE static u64 encode_to_curve(const u8 pk[POINT_BYTES], const u8 *alpha, u64 alpha_len,
                                    u8 h_out[POINT_BYTES]) {
  static const u8 front[2] = {SUITE, DOMAIN_ENCODE};
  Sha512 prefix;
  sha512_init(&prefix);
  sha512_update(&prefix, front, sizeof front);
  sha512_update(&prefix, pk, POINT_BYTES);
  sha512_update(&prefix, alpha, alpha_len);
  for (u64 ctr = 0; ctr < MAX_ENCODE_ATTEMPTS; ctr++) {
    u8 tail[2] = {(u8)ctr, DOMAIN_BACK};
    u8 digest[SHA512_DIGEST_BYTES];
    Sha512 h = prefix;
    sha512_update(&h, tail, sizeof tail);
    sha512_final(&h, digest);
    if (decode_point(digest)) return times_cofactor(digest, h_out);
  }
  return ECVRF_ERR_NO_CURVE_POINT;
}

/* ECVRF_challenge_generation (§5.4.3) compared with the proof's c. */
NOINLINE static bool challenge_matches(const u8 *const points[5], const u8 c[C_BYTES]) {
  static const u8 front[2] = {SUITE, DOMAIN_CHALLENGE};
  static const u8 back[1] = {DOMAIN_BACK};
  u8 digest[SHA512_DIGEST_BYTES];
  Sha512 h;
  sha512_init(&h);
  sha512_update(&h, front, sizeof front);
  for (int i = 0; i < 5; i++) sha512_update(&h, points[i], POINT_BYTES);
  sha512_update(&h, back, sizeof back);
  sha512_final(&h, digest);
  return bytes_eq(digest, c, C_BYTES);
}

/* ECVRF_proof_to_hash (§5.2): beta = SHA512(suite ‖ 0x03 ‖ 8·Gamma ‖ 0x00). */
NOINLINE static u64 proof_to_hash(const u8 gamma[POINT_BYTES], u8 beta_out[ECVRF_OUTPUT_BYTES]) {
  static const u8 front[2] = {SUITE, DOMAIN_PROOF_TO_HASH};
  static const u8 back[1] = {DOMAIN_BACK};
  u8 cofactor_gamma[POINT_BYTES];
  u64 err = times_cofactor(gamma, cofactor_gamma);
  if (err) return err;
  Sha512 h;
  sha512_init(&h);
  sha512_update(&h, front, sizeof front);
  sha512_update(&h, cofactor_gamma, POINT_BYTES);
  sha512_update(&h, back, sizeof back);
  sha512_final(&h, beta_out);
  return 0;
}

/* s·P − c·Q as one two-point multiscalar multiplication with scalars (s, q − c). */
NOINLINE static u64 combine(const u8 s[SCALAR_BYTES], const u8 minus_c[SCALAR_BYTES], const u8 p[POINT_BYTES],
                            const u8 q[POINT_BYTES], u8 out[POINT_BYTES]) {
  u8 scalars[2 * SCALAR_BYTES];
  u8 points[2 * POINT_BYTES];
  for (int i = 0; i < SCALAR_BYTES; i++) {
    scalars[i] = s[i];
    scalars[SCALAR_BYTES + i] = minus_c[i];
  }
  for (int i = 0; i < POINT_BYTES; i++) {
    points[i] = p[i];
    points[POINT_BYTES + i] = q[i];
  }
  if (sol_curve_multiscalar_mul(CURVE25519_EDWARDS, scalars, points, 2, out)) return ECVRF_ERR_CURVE_SYSCALL;
  return 0;
}

u64 ecvrf_verify(const u8 pk[ECVRF_KEY_BYTES], const u8 proof[ECVRF_PROOF_BYTES], const u8 *alpha,
                 u64 alpha_len, u8 beta_out[ECVRF_OUTPUT_BYTES]) {
  const u8 *gamma = proof + GAMMA_AT, *c = proof + C_AT, *s = proof + S_AT;
  u8 scratch[POINT_BYTES], h[POINT_BYTES], u[POINT_BYTES], v[POINT_BYTES], minus_c[SCALAR_BYTES];
  u64 err;
  if (!decode_point(pk)) return ECVRF_ERR_KEY_NOT_POINT;
  if ((err = times_cofactor(pk, scratch))) return err;
  if (is_identity(scratch)) return ECVRF_ERR_KEY_SMALL_ORDER;
  if (!decode_point(gamma)) return ECVRF_ERR_GAMMA_NOT_POINT;
  if (!is_reduced(s)) return ECVRF_ERR_S_UNREDUCED;
  if ((err = encode_to_curve(pk, alpha, alpha_len, h))) return err;
  negate_challenge(c, minus_c);
  if ((err = combine(s, minus_c, BASE_POINT, pk, u))) return err;
  if ((err = combine(s, minus_c, h, gamma, v))) return err;
  const u8 *const points[5] = {pk, h, gamma, u, v};
  if (!challenge_matches(points, c)) return ECVRF_ERR_CHALLENGE_MISMATCH;
  return proof_to_hash(gamma, beta_out);
}
