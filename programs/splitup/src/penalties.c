/* What a party loses: a verdict against it (resolve_dispute, or a node that never reveals) and a
 * verifier that fails its duty (never commits, or never reveals). */
#include "execution.h"

/* Slash S x C, capped at the stake. It pays the honest party what it was due (the verifier
 * R x C, or the node C); the rest goes to the client, who pays nothing for this task. */
u64 slash_guilty(Execution *e, TaskRun *run, const Config *c, Node *guilty, bool guilty_is_node) {
  u64 slash;
  TRY(mul_bps(run->payment, c->params.slash_bps, &slash));
  if (slash > guilty->staked) slash = guilty->staked;
  guilty->staked -= slash;
  guilty->slashed = true;
  u64 due = guilty_is_node ? run->pay_verifier : run->payment;
  u64 honest = due < slash ? due : slash;
  run->pay_node = guilty_is_node ? 0 : honest;
  run->pay_verifier = guilty_is_node ? honest : 0;
  run->from_escrow = 0;
  TRY(checked_add(e->refund_extra, slash - honest, &e->refund_extra));
  run->status = TASK_RESOLVED;
  return SUCCESS;
}

/* The verifier loses R x C of its stake (what a match would have paid it) to the client, and the
 * task goes back to REPORTED, still sampled, for the committee to name another verifier. Its
 * commitment, if any, is dropped; the node's commitment stands unrevealed, so the next verifier
 * learns nothing it could copy. */
u64 penalise_verifier(Execution *e, TaskRun *run, Node *v) {
  if (v->active_assignments) v->active_assignments--;
  u64 penalty = run->pay_verifier < v->staked ? run->pay_verifier : v->staked;
  v->staked -= penalty;
  TRY(checked_add(e->refund_extra, penalty, &e->refund_extra));
  if (run->verifier_timeouts < 255) run->verifier_timeouts++;
  sol_memset_(&run->verifier, 0, sizeof(Pubkey));
  sol_memset_(run->verifier_hash, 0, 32);
  run->verifier_assigned_at = 0;
  run->reveal_opened_at = 0;
  run->revealed = 0;
  run->pay_verifier = 0;
  run->status = TASK_REPORTED;
  return SUCCESS;
}
