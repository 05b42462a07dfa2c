/* SHA-512, FIPS 180-4 §6.4, tuned for SBPF (one CU per instruction): sixteen rounds unrolled at a
 * time on rotating names with a 16-word rolling schedule kept in memory (as registers it spills past
 * the 512-byte frame), literal indices so no address arithmetic, and sol_memcpy_/sol_memset_ for
 * buffering and padding. SBPF has native 64-bit ALU ops but no rotate: each is two shifts and an or.
 * About 7,400 CU per 128-byte block, 7,800 for a one-block digest (bench/vrf-cu.ts). */
#include "sha512.h"

static const u64 K[80] = {
    0x428a2f98d728ae22ULL, 0x7137449123ef65cdULL, 0xb5c0fbcfec4d3b2fULL, 0xe9b5dba58189dbbcULL,
    0x3956c25bf348b538ULL, 0x59f111f1b605d019ULL, 0x923f82a4af194f9bULL, 0xab1c5ed5da6d8118ULL,
    0xd807aa98a3030242ULL, 0x12835b0145706fbeULL, 0x243185be4ee4b28cULL, 0x550c7dc3d5ffb4e2ULL,
    0x72be5d74f27b896fULL, 0x80deb1fe3b1696b1ULL, 0x9bdc06a725c71235ULL, 0xc19bf174cf692694ULL,
    0xe49b69c19ef14ad2ULL, 0xefbe4786384f25e3ULL, 0x0fc19dc68b8cd5b5ULL, 0x240ca1cc77ac9c65ULL,
    0x2de92c6f592b0275ULL, 0x4a7484aa6ea6e483ULL, 0x5cb0a9dcbd41fbd4ULL, 0x76f988da831153b5ULL,
    0x983e5152ee66dfabULL, 0xa831c66d2db43210ULL, 0xb00327c898fb213fULL, 0xbf597fc7beef0ee4ULL,
    0xc6e00bf33da88fc2ULL, 0xd5a79147930aa725ULL, 0x06ca6351e003826fULL, 0x142929670a0e6e70ULL,
    0x27b70a8546d22ffcULL, 0x2e1b21385c26c926ULL, 0x4d2c6dfc5ac42aedULL, 0x53380d139d95b3dfULL,
    0x650a73548baf63deULL, 0x766a0abb3c77b2a8ULL, 0x81c2c92e47edaee6ULL, 0x92722c851482353bULL,
    0xa2bfe8a14cf10364ULL, 0xa81a664bbc423001ULL, 0xc24b8b70d0f89791ULL, 0xc76c51a30654be30ULL,
    0xd192e819d6ef5218ULL, 0xd69906245565a910ULL, 0xf40e35855771202aULL, 0x106aa07032bbd1b8ULL,
    0x19a4c116b8d2d0c8ULL, 0x1e376c085141ab53ULL, 0x2748774cdf8eeb99ULL, 0x34b0bcb5e19b48a8ULL,
    0x391c0cb3c5c95a63ULL, 0x4ed8aa4ae3418acbULL, 0x5b9cca4f7763e373ULL, 0x682e6ff3d6b2b8a3ULL,
    0x748f82ee5defb2fcULL, 0x78a5636f43172f60ULL, 0x84c87814a1f0ab72ULL, 0x8cc702081a6439ecULL,
    0x90befffa23631e28ULL, 0xa4506cebde82bde9ULL, 0xbef9a3f7b2c67915ULL, 0xc67178f2e372532bULL,
    0xca273eceea26619cULL, 0xd186b8c721c0c207ULL, 0xeada7dd6cde0eb1eULL, 0xf57d4f7fee6ed178ULL,
    0x06f067aa72176fbaULL, 0x0a637dc5a2c898a6ULL, 0x113f9804bef90daeULL, 0x1b710b35131c471bULL,
    0x28db77f523047d84ULL, 0x32caab7b40c72493ULL, 0x3c9ebe0a15c9bebcULL, 0x431d67c49c100d4cULL,
    0x4cc5d4becb3e42b6ULL, 0x597f299cfc657e2aULL, 0x5fcb6fab3ad6faecULL, 0x6c44198c4a475817ULL,
};

static const u64 IV[8] = {
    0x6a09e667f3bcc908ULL, 0xbb67ae8584caa73bULL, 0x3c6ef372fe94f82bULL, 0xa54ff53a5f1d36f1ULL,
    0x510e527fade682d1ULL, 0x9b05688c2b3e6c1fULL, 0x1f83d9abfb41bd6bULL, 0x5be0cd19137e2179ULL,
};

#define ROTR(x, n) (((x) >> (n)) | ((x) << (64 - (n))))
/* Σ0, Σ1 nested (ROTR28(x ^ ROTR6(x ^ ROTR5(x))) = ROTR28 ^ ROTR34 ^ ROTR39): one temporary live
 * instead of three, which saves spills (~330 CU a block). */
#define BSIG0(x) ROTR(ROTR(ROTR(x, 5) ^ (x), 6) ^ (x), 28)
#define BSIG1(x) ROTR(ROTR(ROTR(x, 23) ^ (x), 4) ^ (x), 14)
#define SSIG0(x) (ROTR(x, 1) ^ ROTR(x, 8) ^ ((x) >> 7))
#define SSIG1(x) (ROTR(x, 19) ^ ROTR(x, 61) ^ ((x) >> 6))
#define CH(x, y, z) ((z) ^ ((x) & ((y) ^ (z))))
#define MAJ(x, y, z) (((x) & (y)) | ((z) & ((x) | (y))))

static u64 load_be64(const u8 *p) {
  return ((u64)p[0] << 56) | ((u64)p[1] << 48) | ((u64)p[2] << 40) | ((u64)p[3] << 32) |
         ((u64)p[4] << 24) | ((u64)p[5] << 16) | ((u64)p[6] << 8) | (u64)p[7];
}

static void store_be64(u8 *p, u64 v) {
  p[0] = (u8)(v >> 56);
  p[1] = (u8)(v >> 48);
  p[2] = (u8)(v >> 40);
  p[3] = (u8)(v >> 32);
  p[4] = (u8)(v >> 24);
  p[5] = (u8)(v >> 16);
  p[6] = (u8)(v >> 8);
  p[7] = (u8)v;
}

/* Round i of the current group of sixteen (§6.4.2 step 3) on the rotating names a..h. */
#define ROUND(a, b, c, d, e, f, g, h, i)                 \
  do {                                                   \
    u64 t1 = h + BSIG1(e) + CH(e, f, g) + k[i] + w[(i)]; \
    d += t1;                                             \
    h = t1 + BSIG0(a) + MAJ(a, b, c);                    \
  } while (0)

/* W[t] = σ1(W[t-2]) + W[t-7] + σ0(W[t-15]) + W[t-16], kept in place modulo 16. */
#define SCHEDULE(i) (w[(i)] += SSIG1(w[((i) + 14) & 15]) + w[((i) + 9) & 15] + SSIG0(w[((i) + 1) & 15]))

/* Rounds i..i+7 of a group of sixteen; the names come back to a..h after eight. Indices are
 * literals so w and k are read at fixed offsets. */
#define EIGHT_ROUNDS(i)                     \
  do {                                      \
    ROUND(a, b, c, d, e, f, g, h, (i) + 0); \
    ROUND(h, a, b, c, d, e, f, g, (i) + 1); \
    ROUND(g, h, a, b, c, d, e, f, (i) + 2); \
    ROUND(f, g, h, a, b, c, d, e, (i) + 3); \
    ROUND(e, f, g, h, a, b, c, d, (i) + 4); \
    ROUND(d, e, f, g, h, a, b, c, (i) + 5); \
    ROUND(c, d, e, f, g, h, a, b, (i) + 6); \
    ROUND(b, c, d, e, f, g, h, a, (i) + 7); \
  } while (0)

/* The next sixteen schedule words, in place, with literal indices (no address arithmetic). */
#define SCHEDULE_SIXTEEN()                                                          \
  do {                                                                              \
    SCHEDULE(0); SCHEDULE(1); SCHEDULE(2); SCHEDULE(3); SCHEDULE(4); SCHEDULE(5);   \
    SCHEDULE(6); SCHEDULE(7); SCHEDULE(8); SCHEDULE(9); SCHEDULE(10); SCHEDULE(11); \
    SCHEDULE(12); SCHEDULE(13); SCHEDULE(14); SCHEDULE(15);                         \
  } while (0)

NOINLINE static void compress(u64 state[8], const u8 *block) {
  volatile u64 w[16]; /* kept in memory: as 16 register values it spills past 512 bytes */
  for (int i = 0; i < 16; i++) w[i] = load_be64(block + 8 * i);
  u64 a = state[0], b = state[1], c = state[2], d = state[3];
  u64 e = state[4], f = state[5], g = state[6], h = state[7];
  const u64 *k = K;
  EIGHT_ROUNDS(0);
  EIGHT_ROUNDS(8);
  /* The other four groups loop: all 80 rounds unrolled measured slower, and are 63 KB of code. */
  for (k = K + 16; k < K + 80; k += 16) {
    SCHEDULE_SIXTEEN();
    EIGHT_ROUNDS(0);
    EIGHT_ROUNDS(8);
  }
  state[0] += a;
  state[1] += b;
  state[2] += c;
  state[3] += d;
  state[4] += e;
  state[5] += f;
  state[6] += g;
  state[7] += h;
}

void sha512_init(Sha512 *h) {
  for (int i = 0; i < 8; i++) h->state[i] = IV[i];
  h->total = 0;
  h->used = 0;
}

void sha512_update(Sha512 *h, const u8 *data, u64 len) {
  h->total += len;
  while (len > 0) {
    if (h->used == 0 && len >= SHA512_BLOCK_BYTES) {
      compress(h->state, data);
      data += SHA512_BLOCK_BYTES;
      len -= SHA512_BLOCK_BYTES;
      continue;
    }
    u64 take = SHA512_BLOCK_BYTES - h->used;
    if (take > len) take = len;
    sol_memcpy_(h->block + h->used, data, take); /* 10 CU for up to 250 bytes, not ~6 per byte */
    h->used += take;
    data += take;
    len -= take;
    if (h->used == SHA512_BLOCK_BYTES) {
      compress(h->state, h->block);
      h->used = 0;
    }
  }
}

/* §5.1.2 padding: 0x80, zeros, then the message length in bits as a 128-bit big-endian number. */
void sha512_final(Sha512 *h, u8 out[SHA512_DIGEST_BYTES]) {
  u64 bits = h->total << 3;
  u64 high_bits = h->total >> 61;
  h->block[h->used++] = 0x80;
  if (h->used > SHA512_BLOCK_BYTES - 16) {
    sol_memset_(h->block + h->used, 0, SHA512_BLOCK_BYTES - h->used);
    compress(h->state, h->block);
    h->used = 0;
  }
  sol_memset_(h->block + h->used, 0, SHA512_BLOCK_BYTES - 16 - h->used);
  store_be64(h->block + SHA512_BLOCK_BYTES - 16, high_bits);
  store_be64(h->block + SHA512_BLOCK_BYTES - 8, bits);
  compress(h->state, h->block);
  for (int i = 0; i < 8; i++) store_be64(out + 8 * i, h->state[i]);
}

void sha512(const u8 *data, u64 len, u8 out[SHA512_DIGEST_BYTES]) {
  Sha512 h;
  sha512_init(&h);
  sha512_update(&h, data, len);
  sha512_final(&h, out);
}
