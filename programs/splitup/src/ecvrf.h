/*
 * ECVRF-EDWARDS25519-SHA512-TAI verification (RFC 9381 §5.3, suite 0x03): the committee's
 * randomness, checked on chain against the same proofs protocols/committee/vrf/ecvrf.ts makes.
 * Curve arithmetic goes through the curve25519 syscalls; hashing through sha512.c.
 */
#pragma once
#include "../../sdk/sbf.h"

#define ECVRF_KEY_BYTES 32
#define ECVRF_PROOF_BYTES 80 /* Gamma (32) ‖ c (16, little-endian) ‖ s (32, little-endian) */
#define ECVRF_OUTPUT_BYTES 64

/* Refusals, first failing check wins, in the order vrfVerify of ecvrf.ts checks them. An
 * instruction returns them offset into its own range (as the DAG errors sit at 6100 + n). */
#define ECVRF_ERR_KEY_NOT_POINT 1     /* VRF_MALFORMED_INPUT: Y is not a canonical point encoding */
#define ECVRF_ERR_KEY_SMALL_ORDER 2   /* VRF_INVALID_PUBLIC_KEY: 8·Y is the identity */
#define ECVRF_ERR_GAMMA_NOT_POINT 3   /* VRF_INVALID_PROOF: Gamma is not a canonical point encoding */
#define ECVRF_ERR_S_UNREDUCED 4       /* VRF_INVALID_PROOF: s >= q */
#define ECVRF_ERR_NO_CURVE_POINT 5    /* VRF_MALFORMED_INPUT: no try-and-increment attempt decoded */
#define ECVRF_ERR_CHALLENGE_MISMATCH 6 /* VRF_INVALID_PROOF: the recomputed c differs */
#define ECVRF_ERR_CURVE_SYSCALL 7     /* a curve syscall refused inputs already checked (a bug) */

/*
 * Verifies `proof` for `alpha` under public key `pk`; on success writes the 64-byte VRF output
 * beta and returns 0, otherwise returns one of ECVRF_ERR_* and leaves beta_out unspecified.
 */
u64 ecvrf_verify(const u8 pk[ECVRF_KEY_BYTES], const u8 proof[ECVRF_PROOF_BYTES], const u8 *alpha,
                 u64 alpha_len, u8 beta_out[ECVRF_OUTPUT_BYTES]);
