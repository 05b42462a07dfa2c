/* RFC 6962 audit-path verification (see merkle.h), one sha256 syscall per level. */
#include "merkle.h"

static const u8 LEAF_PREFIX = 0x00;
static const u8 NODE_PREFIX = 0x01;

void merkle_leaf_hash(const u8 *leaf, u64 leaf_len, u8 *out) {
  SolBytes parts[2] = {{&LEAF_PREFIX, 1}, {leaf, leaf_len}};
  sol_sha256(parts, 2, out);
}

/* out = sha256(0x01 ‖ left ‖ right); `out` may be `left` or `right`: the hash goes through a
 * scratch buffer, so the syscall never writes memory it is still reading. */
static void node_hash(const u8 *left, const u8 *right, u8 *out) {
  u8 h[MERKLE_HASH_BYTES];
  SolBytes parts[3] = {{&NODE_PREFIX, 1}, {left, MERKLE_HASH_BYTES}, {right, MERKLE_HASH_BYTES}};
  sol_sha256(parts, 3, h);
  sol_memcpy_(out, h, MERKLE_HASH_BYTES);
}

u64 merkle_root_from_proof(const MerklePath *p, u64 size, u8 *root) {
  if (size == 0 || p->index >= size) return MERKLE_ERR_INDEX;
  if (p->depth > MERKLE_MAX_DEPTH) return MERKLE_ERR_DEPTH;
  u64 fn = p->index, sn = size - 1;
  merkle_leaf_hash(p->leaf, p->leaf_len, root);
  for (u64 i = 0; i < p->depth; i++) {
    const u8 *sibling = p->path + i * MERKLE_HASH_BYTES;
    if (sn == 0) return MERKLE_ERR_LONG;
    if ((fn & 1) == 1 || fn == sn) {
      node_hash(sibling, root, root);
      /* A right edge: climb past the levels where this subtree had no sibling. */
      while ((fn & 1) == 0 && fn != 0) {
        fn >>= 1;
        sn >>= 1;
      }
    } else {
      node_hash(root, sibling, root);
    }
    fn >>= 1;
    sn >>= 1;
  }
  return sn == 0 ? SUCCESS : MERKLE_ERR_SHORT;
}

bool merkle_verify(const u8 *root, const MerklePath *p, u64 size) {
  u8 got[MERKLE_HASH_BYTES];
  if (merkle_root_from_proof(p, size, got) != SUCCESS) return false;
  int r = 0;
  sol_memcmp_(got, root, MERKLE_HASH_BYTES, &r);
  return r == 0;
}
