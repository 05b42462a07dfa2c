/* The reveal turns of a sampled task (TASK_REVEALING): both parties committed to their output
 * hashes, each bound to its own key, so neither could copy the other. The verifier opens its
 * commitment first, then the node: the node's hash stays secret until a verifier has both
 * committed and revealed, so a verifier named after a silent one has nothing public to copy. */
#include "execution.h"

/* sha256(COMMIT_DOMAIN || committer || execution || task index || output hash || salt). */
static u64 commitment_of(const Pubkey *committer, const Pubkey *execution, const u8 *index, const RevealArgs *a,
                         u8 out[32]) {
  const SolBytes parts[6] = {
      {(const u8 *)COMMIT_DOMAIN, sizeof(COMMIT_DOMAIN) - 1},
      {committer->x, 32},
      {execution->x, 32},
      {index, 1},
      {a->output_hash, 32},
      {a->salt, 32},
  };
  return sol_sha256(parts, 6, out);
}

static bool opens(const u8 *commitment, const u8 *computed) {
  int diff = 0;
  sol_memcmp_(commitment, computed, 32, &diff);
  return diff == 0;
}

/* A reveal needs no computing, only one transaction: the completion timeout, which already covers
 * computing a task and sending its report, is ample, and deriving the window from it keeps
 * ProtocolParams (and every config already initialized) as they are. */
u64 reveal_window_s(const Config *c, u64 *out) {
  return checked_mul(c->params.completion_timeout_s, REVEAL_WINDOW_TIMEOUTS, out);
}

/* The second reveal decides: equal hashes pay as a match, different ones go to the committee. */
static u64 decide(TaskRun *run, Node *n, Node *v) {
  int diff = 0;
  sol_memcmp_(run->output_hash, run->verifier_hash, 32, &diff);
  if (diff == 0) {
    /* Both honest: the node earns C, the verifier R x C (set when it was sampled), from escrow. */
    run->pay_node = run->payment;
    TRY(checked_add(run->payment, run->pay_verifier, &run->from_escrow));
    run->status = TASK_MATCHED;
    return SUCCESS;
  }
  u64 disputes;
  TRY(checked_add(n->open_disputes, 1, &disputes));
  n->open_disputes = (u32)disputes;
  TRY(checked_add(v->open_disputes, 1, &disputes));
  v->open_disputes = (u32)disputes;
  run->status = TASK_DISPUTED;
  return SUCCESS;
}

/* A late reveal still counts until someone cranks reveal_timeout. */
u64 ix_reveal_output(const Ctx *ctx) {
  if (ctx->num_accounts < REVEAL_OUTPUT_ACCOUNTS) return ERR_NOT_ENOUGH_ACCOUNTS;
  if (ctx->data_len != REVEAL_OUTPUT_DATA_LEN) return ERR_INVALID_INSTRUCTION_DATA;
  const RevealArgs *args = (const RevealArgs *)(ctx->data + 8);
  SerializedAccount *authority = ctx->accounts[REVEAL_OUTPUT_AUTHORITY];
  SerializedAccount *execution = ctx->accounts[REVEAL_OUTPUT_EXECUTION];
  Execution *e;
  TaskRun *run;
  Node *n, *v;
  TRY(check_signer(authority));
  TRY(load_execution(ctx, execution, &e));
  TRY(task_run(e, args->task_index, &run));
  if (run->status != TASK_REVEALING) return ERR_INVALID_TASK_STATE;
  bool is_verifier = pubkey_eq(&authority->key, &run->verifier);
  if (!is_verifier && !pubkey_eq(&authority->key, &run->node)) return ERR_NOT_ASSIGNED_NODE;
  TRY(load_node_account(ctx, ctx->accounts[REVEAL_OUTPUT_NODE], &run->node, &n));
  TRY(load_node_account(ctx, ctx->accounts[REVEAL_OUTPUT_VERIFIER], &run->verifier, &v));
  u8 mask = is_verifier ? REVEALED_VERIFIER : REVEALED_NODE;
  if (run->revealed & mask) return ERR_ALREADY_REVEALED;
  if (!is_verifier && !(run->revealed & REVEALED_VERIFIER)) return ERR_REVEAL_OUT_OF_TURN;
  u8 *commitment = is_verifier ? run->verifier_hash : run->output_hash;
  u8 computed[32];
  TRY(commitment_of(&authority->key, &execution->key, &args->task_index, args, computed));
  if (!opens(commitment, computed)) return ERR_COMMITMENT_MISMATCH;
  sol_memcpy_(commitment, args->output_hash, 32);
  run->revealed |= mask;
  if (!is_verifier) return decide(run, n, v);
  i64 now;
  TRY(now_unix(&now));
  run->reveal_opened_at = now; /* the node's turn begins */
  return SUCCESS;
}

/* A reveal turn that ran out. Not revealing must never beat revealing honestly:
 * - a silent verifier loses R x C (what an honest reveal would have earned it) and is replaced,
 *   exactly as a verifier that never committed: a lazy verifier that copied the node's commitment
 *   can never open it, so it always ends here, paid nothing;
 * - a silent node (the verifier revealed) is slashed S x C as by a verdict against it, and the
 *   verifier is paid its R x C from the slash: withholding costs a cheating node what the dispute
 *   would have, and an honest node C + S x C more than revealing. */
u64 ix_reveal_timeout(const Ctx *ctx) {
  if (ctx->num_accounts < REVEAL_TIMEOUT_ACCOUNTS) return ERR_NOT_ENOUGH_ACCOUNTS;
  if (ctx->data_len != REVEAL_TIMEOUT_DATA_LEN) return ERR_INVALID_INSTRUCTION_DATA;
  u8 index = ((const TaskIndexArgs *)(ctx->data + 8))->task_index;
  Execution *e;
  Config *c;
  TaskRun *run;
  Node *party;
  TRY(load_execution(ctx, ctx->accounts[REVEAL_TIMEOUT_EXECUTION], &e));
  TRY(load_config(ctx, ctx->accounts[REVEAL_TIMEOUT_CONFIG], &c));
  TRY(task_run(e, index, &run));
  if (run->status != TASK_REVEALING) return ERR_INVALID_TASK_STATE;
  bool verifier_silent = !(run->revealed & REVEALED_VERIFIER);
  TRY(load_node_account(ctx, ctx->accounts[REVEAL_TIMEOUT_PARTY], verifier_silent ? &run->verifier : &run->node,
                        &party));
  u64 window;
  TRY(reveal_window_s(c, &window));
  i64 now;
  TRY(now_unix(&now));
  if (now < run->reveal_opened_at || (u64)(now - run->reveal_opened_at) < window) return ERR_DEADLINE_NOT_PASSED;
  if (verifier_silent) return penalise_verifier(e, run, party);
  return slash_guilty(e, run, c, party, true);
}
