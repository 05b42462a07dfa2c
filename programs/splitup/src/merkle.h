/*
 * RFC 6962 audit paths checked with the sha256 syscall: the same semantics as rootFromProof of
 * protocols/committee/liveness/merkle.ts (RFC 9162 §2.1.3.2), so a membership proof of a liveness
 * table that the TypeScript side builds is accepted here exactly when it is accepted there.
 */
#pragma once
#include "../../sdk/sbf.h"

#define MERKLE_HASH_BYTES 32
/* Longest audit path accepted: a tree of 2^32 leaves (MAX_PROOF_DEPTH of merkle.ts). */
#define MERKLE_MAX_DEPTH 32

/* Refusals, in the order rootFromProof checks them. */
#define MERKLE_ERR_INDEX 1 /* size is 0 or index >= size (INVALID_INDEX) */
#define MERKLE_ERR_DEPTH 2 /* more than MERKLE_MAX_DEPTH hashes (MALFORMED_PROOF) */
#define MERKLE_ERR_LONG 3  /* the path has hashes beyond the root of a tree of this size */
#define MERKLE_ERR_SHORT 4 /* the path ends below the root of a tree of this size */

/* A leaf and its audit path: `depth` sibling hashes, leaf first, 32 bytes each. (A struct: BPF
 * calls take at most 5 arguments.) */
typedef struct {
  const u8 *leaf;
  u64 leaf_len;
  u64 index;
  const u8 *path;
  u64 depth;
} MerklePath;

/* sha256(0x00 ‖ leaf). */
void merkle_leaf_hash(const u8 *leaf, u64 leaf_len, u8 *out);

/* The root that the leaf at its index of a tree of `size` leaves implies with its path. Returns 0
 * or a MERKLE_ERR_*. */
u64 merkle_root_from_proof(const MerklePath *p, u64 size, u8 *root);

/* True when the path leads from the leaf to `root` in a tree of `size` leaves. */
bool merkle_verify(const u8 *root, const MerklePath *p, u64 size);
