// The Merkle tree hash of RFC 6962 §2.1 (Certificate Transparency): leaves hashed as
// sha256(0x00 ‖ leaf), nodes as sha256(0x01 ‖ left ‖ right), the split at the largest power of two
// below n. The prefixes keep a leaf from passing as an inner node; the program checks the same
// audit paths with its sha256 syscall, so a liveness table is certified by one 32-byte root.
import { createHash } from 'node:crypto';
import { MerkleError, MerkleErrorCode } from './errors.js';

export type Hash32 = Uint8Array;

/** Longest audit path accepted: a tree of 2^32 leaves. */
export const MAX_PROOF_DEPTH = 32;

function sha256(...parts: Uint8Array[]): Hash32 {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
}

const LEAF = Uint8Array.of(0x00);
const NODE = Uint8Array.of(0x01);

export function leafHash(leaf: Uint8Array): Hash32 {
  return sha256(LEAF, leaf);
}

function nodeHash(left: Hash32, right: Hash32): Hash32 {
  return sha256(NODE, left, right);
}

/** Largest power of two strictly below n (n ≥ 2). */
function split(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

function rootOfHashes(hashes: readonly Hash32[]): Hash32 {
  if (hashes.length === 0) return sha256();
  if (hashes.length === 1) return hashes[0]!;
  const k = split(hashes.length);
  return nodeHash(rootOfHashes(hashes.slice(0, k)), rootOfHashes(hashes.slice(k)));
}

/** MTH(D[n]); the empty tree's root is sha256 of nothing. */
export function merkleRoot(leaves: readonly Uint8Array[]): Hash32 {
  return rootOfHashes(leaves.map(leafHash));
}

/** The audit path of leaf `index` (PATH(m, D[n]) of RFC 6962 §2.1.1), sibling hashes leaf first. */
export function merkleProof(leaves: readonly Uint8Array[], index: number): Hash32[] {
  if (!Number.isSafeInteger(index) || index < 0 || index >= leaves.length)
    throw new MerkleError(
      MerkleErrorCode.INVALID_INDEX,
      `leaf ${index} is not in a tree of ${leaves.length}`,
    );
  const path: Hash32[] = [];
  const walk = (hashes: readonly Hash32[], m: number): void => {
    if (hashes.length <= 1) return;
    const k = split(hashes.length);
    if (m < k) {
      walk(hashes.slice(0, k), m);
      path.push(rootOfHashes(hashes.slice(k)));
    } else {
      walk(hashes.slice(k), m - k);
      path.push(rootOfHashes(hashes.slice(0, k)));
    }
  };
  walk(leaves.map(leafHash), index);
  return path;
}

/**
 * The root that `leaf` at `index` of a tree of `size` leaves implies with `path` (RFC 9162
 * §2.1.3.2): compare it with a certified root. Throws when the path cannot fit that tree. A root
 * alone does not fix the size (a path can fit trees of several sizes), so a certificate signs the
 * size with the root.
 */
export function rootFromProof(
  leaf: Uint8Array,
  index: number,
  size: number,
  path: readonly Hash32[],
): Hash32 {
  if (!Number.isSafeInteger(size) || size < 1 || !Number.isSafeInteger(index) || index < 0 || index >= size)
    throw new MerkleError(MerkleErrorCode.INVALID_INDEX, `leaf ${index} is not in a tree of ${size}`);
  if (path.length > MAX_PROOF_DEPTH || path.some((h) => !(h instanceof Uint8Array) || h.length !== 32))
    throw new MerkleError(MerkleErrorCode.MALFORMED_PROOF, 'an audit path is at most 32 hashes of 32 bytes');
  let fn = index;
  let sn = size - 1;
  let r = leafHash(leaf);
  for (const p of path) {
    if (sn === 0) throw new MerkleError(MerkleErrorCode.MALFORMED_PROOF, 'the audit path is too long');
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      // A right edge: climb past the levels where this subtree had no sibling.
      while (fn % 2 === 0 && fn !== 0) {
        fn >>= 1;
        sn >>= 1;
      }
    } else {
      r = nodeHash(r, p);
    }
    fn >>= 1;
    sn >>= 1;
  }
  if (sn !== 0) throw new MerkleError(MerkleErrorCode.MALFORMED_PROOF, 'the audit path is too short');
  return r;
}

/** True when `leaf` is leaf `index` of the tree whose root is `root`. */
export function verifyMerkleProof(
  root: Hash32,
  leaf: Uint8Array,
  index: number,
  size: number,
  path: readonly Hash32[],
): boolean {
  const got = rootFromProof(leaf, index, size, path);
  return got.length === root.length && got.every((b, i) => b === root[i]);
}
