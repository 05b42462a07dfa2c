/*
 * SHA-512 (FIPS 180-4) in plain C for the program: there is no SHA-512 syscall (only sha256,
 * keccak256, blake3), and ECVRF-EDWARDS25519-SHA512-TAI (RFC 9381) hashes with it. Streaming
 * init/update/final so callers hash concatenations without building them; no globals, no libc.
 */
#pragma once
#include "../../sdk/sbf.h"

#define SHA512_BLOCK_BYTES 128
#define SHA512_DIGEST_BYTES 64

typedef struct {
  u64 state[8];
  u64 total; /* bytes absorbed so far; inputs stay far below 2^61 bytes, so one word is enough */
  u64 used;  /* bytes waiting in block */
  u8 block[SHA512_BLOCK_BYTES];
} Sha512;

void sha512_init(Sha512 *h);
void sha512_update(Sha512 *h, const u8 *data, u64 len);
void sha512_final(Sha512 *h, u8 out[SHA512_DIGEST_BYTES]);
/* One-shot digest of `len` bytes. */
void sha512(const u8 *data, u64 len, u8 out[SHA512_DIGEST_BYTES]);
