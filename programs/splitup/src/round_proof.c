/* Membership in a certified liveness table: an RFC 6962 audit path against the root a round
 * certified, over a tree of the task count certified with it (a root alone does not fix the size). */
#include "program.h"

u64 check_certified_leaf(const RoundCertificate *r, const MerklePath *p) {
  if (!r->certified) return ERR_ROUND_NOT_CERTIFIED;
  return merkle_verify(r->certified_root, p, r->certified_task_count) ? SUCCESS : ERR_INVALID_MERKLE_PROOF;
}
