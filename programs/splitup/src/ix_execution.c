/* An execution's life: request (escrow), assign, report, sample, verify, reveal (ix_reveal.c),
 * resolve, settle, close. */
#include "execution.h"

u64 ix_request_execution(const Ctx *ctx) {
  if (ctx->num_accounts < REQUEST_EXECUTION_ACCOUNTS) return ERR_NOT_ENOUGH_ACCOUNTS;
  if (ctx->data_len != REQUEST_EXECUTION_DATA_LEN) return ERR_INVALID_INSTRUCTION_DATA;
  const RequestExecutionArgs *args = (const RequestExecutionArgs *)(ctx->data + 8);
  SerializedAccount *client = ctx->accounts[REQUEST_EXECUTION_CLIENT];
  SerializedAccount *execution = ctx->accounts[REQUEST_EXECUTION_EXECUTION];
  SerializedAccount *model = ctx->accounts[REQUEST_EXECUTION_MODEL];
  SerializedAccount *wallet = ctx->accounts[REQUEST_EXECUTION_CLIENT_WALLET];
  SerializedAccount *vault = ctx->accounts[REQUEST_EXECUTION_VAULT];
  Config *c;
  TRY(check_signer(client));
  TRY(check_writable(client));
  TRY(check_writable(execution));
  TRY(load_config(ctx, ctx->accounts[REQUEST_EXECUTION_CONFIG], &c));
  TRY(load_program_account(ctx, model, DISC_MODEL, MODEL_SPACE, false));
  const Model *m = ACCOUNT_DATA(model, Model);
  if (!m->registered) return ERR_MODEL_NOT_REGISTERED;
  TRY(check_wallet(c, wallet, &client->key));
  TRY(check_vault_account(c, vault));
  TRY(check_program(ctx->accounts[REQUEST_EXECUTION_TOKEN_PROGRAM], &TOKEN_PROGRAM));
  TRY(check_program(ctx->accounts[REQUEST_EXECUTION_SYSTEM_PROGRAM], &SYSTEM_PROGRAM));

  /* Worst case: every task paid C and verified (R x C more). */
  u64 worst = 0;
  for (u8 i = 0; i < m->task_count; i++) {
    u64 pay, reward;
    TRY(checked_mul(m->tasks[i].compute_units, c->params.price_per_compute_unit, &pay));
    TRY(mul_bps(pay, c->params.verifier_reward_bps, &reward));
    TRY(checked_add(worst, pay, &worst));
    TRY(checked_add(worst, reward, &worst));
  }
  if (args->max_fee == 0) return ERR_ZERO_AMOUNT;
  if (args->max_fee < worst) return ERR_FEE_TOO_LOW;

  u8 bump;
  SolSignerSeed seeds[4] = {{(const u8 *)EXECUTION_SEED, sizeof(EXECUTION_SEED) - 1},
                            {client->key.x, 32},
                            {(const u8 *)&args->nonce, 8},
                            {&bump, 1}};
  TRY(find_pda(seeds, 3, ctx->program_id, &execution->key, &bump));
  TRY(check_uninitialized(execution));
  SolSignerSeeds signer = {seeds, 4};
  TRY(create_pda_account(client, execution, EXECUTION_SPACE, ctx->program_id, &signer));
  TRY(token_transfer(wallet, vault, client, args->max_fee, NULL));

  i64 now;
  TRY(now_unix(&now));
  *(u64 *)execution->data = DISC_EXECUTION;
  Execution *e = ACCOUNT_DATA(execution, Execution);
  sol_memcpy_(&e->client, &client->key, sizeof(Pubkey));
  sol_memcpy_(&e->model, &model->key, sizeof(Pubkey));
  sol_memcpy_(e->input_commitment, args->input_commitment, 32);
  e->max_fee = args->max_fee;
  e->created_at = now;
  e->nonce = args->nonce;
  e->task_count = m->task_count;
  e->bump = bump;
  for (u8 i = 0; i < m->task_count; i++)
    e->tasks[i].payment = m->tasks[i].compute_units * c->params.price_per_compute_unit; /* checked above */
  return SUCCESS;
}

u64 ix_assign_task(const Ctx *ctx) {
  if (ctx->num_accounts < ASSIGN_TASK_ACCOUNTS) return ERR_NOT_ENOUGH_ACCOUNTS;
  if (ctx->data_len != ASSIGN_TASK_DATA_LEN) return ERR_INVALID_INSTRUCTION_DATA;
  u8 index = ((const TaskIndexArgs *)(ctx->data + 8))->task_index;
  Execution *e;
  Config *c;
  const Model *m;
  Node *n;
  TaskRun *run;
  TRY(load_execution(ctx, ctx->accounts[ASSIGN_TASK_EXECUTION], &e));
  TRY(load_config(ctx, ctx->accounts[ASSIGN_TASK_CONFIG], &c));
  TRY(check_committee_quorum(ctx, c));
  TRY(load_exec_model(ctx, ctx->accounts[ASSIGN_TASK_MODEL], e, &m));
  TRY(task_run(e, index, &run));
  if (run->status != TASK_PENDING) return ERR_INVALID_TASK_STATE;
  TRY(load_node_account(ctx, ctx->accounts[ASSIGN_TASK_NODE], NULL, &n));
  TRY(check_eligible(c, n, &e->model, index));
  i64 now;
  TRY(now_unix(&now));
  u64 active;
  TRY(checked_add(n->active_assignments, 1, &active));
  n->active_assignments = (u32)active;
  sol_memcpy_(&run->node, &n->authority, sizeof(Pubkey));
  run->assigned_at = now;
  if (run->attempts < 0xff) run->attempts++; /* saturate: the backoff is capped anyway */
  run->status = TASK_ASSIGNED;
  return SUCCESS;
}

u64 ix_report_completion(const Ctx *ctx) {
  if (ctx->num_accounts < REPORT_COMPLETION_ACCOUNTS) return ERR_NOT_ENOUGH_ACCOUNTS;
  if (ctx->data_len != REPORT_COMPLETION_DATA_LEN) return ERR_INVALID_INSTRUCTION_DATA;
  const ReportArgs *args = (const ReportArgs *)(ctx->data + 8);
  SerializedAccount *authority = ctx->accounts[REPORT_COMPLETION_AUTHORITY];
  Execution *e;
  TaskRun *run;
  TRY(check_signer(authority));
  TRY(load_execution(ctx, ctx->accounts[REPORT_COMPLETION_EXECUTION], &e));
  TRY(task_run(e, args->task_index, &run));
  if (run->status != TASK_ASSIGNED) return ERR_INVALID_TASK_STATE;
  if (!pubkey_eq(&authority->key, &run->node)) return ERR_NOT_ASSIGNED_NODE;
  i64 now;
  TRY(now_unix(&now));
  /* A commitment bound to the node's key, revealed only after the verifier committed and revealed. */
  sol_memcpy_(run->output_hash, args->commitment, 32);
  run->reported_at = now;
  run->status = TASK_REPORTED;
  return SUCCESS;
}

u64 ix_decide_sampling(const Ctx *ctx) {
  if (ctx->num_accounts < DECIDE_SAMPLING_ACCOUNTS) return ERR_NOT_ENOUGH_ACCOUNTS;
  if (ctx->data_len != DECIDE_SAMPLING_DATA_LEN) return ERR_INVALID_INSTRUCTION_DATA;
  const SamplingArgs *args = (const SamplingArgs *)(ctx->data + 8);
  Execution *e;
  Config *c;
  const Model *m;
  TaskRun *run;
  TRY(load_execution(ctx, ctx->accounts[DECIDE_SAMPLING_EXECUTION], &e));
  TRY(load_config(ctx, ctx->accounts[DECIDE_SAMPLING_CONFIG], &c));
  TRY(check_committee_quorum(ctx, c));
  TRY(load_exec_model(ctx, ctx->accounts[DECIDE_SAMPLING_MODEL], e, &m));
  TRY(task_run(e, args->task_index, &run));
  if (run->status != TASK_REPORTED) return ERR_INVALID_TASK_STATE;
  /* Once sampled, a task stays sampled: a verifier that timed out cannot turn it into a paid,
   * unverified one. */
  if (run->sampled && !args->verify) return ERR_ALREADY_SAMPLED;
  if (!args->verify) {
    run->pay_node = run->payment;
    run->from_escrow = run->payment;
    run->status = TASK_UNSAMPLED;
    return SUCCESS;
  }
  Node *v;
  TRY(load_node_account(ctx, ctx->accounts[DECIDE_SAMPLING_VERIFIER], NULL, &v));
  if (pubkey_eq(&v->authority, &run->node)) return ERR_VERIFIER_IS_NODE;
  TRY(check_eligible(c, v, &e->model, args->task_index));
  u64 active;
  TRY(checked_add(v->active_assignments, 1, &active));
  v->active_assignments = (u32)active;
  sol_memcpy_(&run->verifier, &v->authority, sizeof(Pubkey));
  i64 now;
  TRY(now_unix(&now));
  run->verifier_assigned_at = now;
  TRY(mul_bps(run->payment, c->params.verifier_reward_bps, &run->pay_verifier)); /* R x C, due on a match */
  run->sampled = 1;
  run->status = TASK_VERIFYING;
  return SUCCESS;
}

/* The verifier's commitment, bound to its own key: a copy of the node's commitment can never be
 * revealed by the verifier. Nothing is compared yet; the reveal turns open. */
u64 ix_report_verification(const Ctx *ctx) {
  if (ctx->num_accounts < REPORT_VERIFICATION_ACCOUNTS) return ERR_NOT_ENOUGH_ACCOUNTS;
  if (ctx->data_len != REPORT_VERIFICATION_DATA_LEN) return ERR_INVALID_INSTRUCTION_DATA;
  const ReportArgs *args = (const ReportArgs *)(ctx->data + 8);
  SerializedAccount *authority = ctx->accounts[REPORT_VERIFICATION_AUTHORITY];
  Execution *e;
  TaskRun *run;
  TRY(check_signer(authority));
  TRY(load_execution(ctx, ctx->accounts[REPORT_VERIFICATION_EXECUTION], &e));
  TRY(task_run(e, args->task_index, &run));
  if (run->status != TASK_VERIFYING) return ERR_INVALID_TASK_STATE;
  if (!pubkey_eq(&authority->key, &run->verifier)) return ERR_NOT_ASSIGNED_NODE;
  i64 now;
  TRY(now_unix(&now));
  sol_memcpy_(run->verifier_hash, args->commitment, 32);
  run->reveal_opened_at = now;
  run->revealed = 0;
  run->status = TASK_REVEALING;
  return SUCCESS;
}

u64 ix_resolve_dispute(const Ctx *ctx) {
  if (ctx->num_accounts < RESOLVE_DISPUTE_ACCOUNTS) return ERR_NOT_ENOUGH_ACCOUNTS;
  if (ctx->data_len != RESOLVE_DISPUTE_DATA_LEN) return ERR_INVALID_INSTRUCTION_DATA;
  const VerdictArgs *args = (const VerdictArgs *)(ctx->data + 8);
  Execution *e;
  Config *c;
  TaskRun *run;
  Node *n, *v;
  TRY(load_execution(ctx, ctx->accounts[RESOLVE_DISPUTE_EXECUTION], &e));
  TRY(load_config(ctx, ctx->accounts[RESOLVE_DISPUTE_CONFIG], &c));
  TRY(check_committee_quorum(ctx, c));
  TRY(task_run(e, args->task_index, &run));
  if (run->status != TASK_DISPUTED) return ERR_INVALID_TASK_STATE;
  if (args->guilty != GUILTY_NODE && args->guilty != GUILTY_VERIFIER) return ERR_INVALID_VERDICT;
  TRY(load_node_account(ctx, ctx->accounts[RESOLVE_DISPUTE_NODE], &run->node, &n));
  TRY(load_node_account(ctx, ctx->accounts[RESOLVE_DISPUTE_VERIFIER], &run->verifier, &v));
  n->open_disputes--;
  v->open_disputes--;
  return slash_guilty(e, run, c, args->guilty == GUILTY_NODE ? n : v, args->guilty == GUILTY_NODE);
}

u64 ix_settle_task(const Ctx *ctx) {
  if (ctx->num_accounts < SETTLE_TASK_ACCOUNTS) return ERR_NOT_ENOUGH_ACCOUNTS;
  if (ctx->data_len != SETTLE_TASK_DATA_LEN) return ERR_INVALID_INSTRUCTION_DATA;
  u8 index = ((const TaskIndexArgs *)(ctx->data + 8))->task_index;
  SerializedAccount *config = ctx->accounts[SETTLE_TASK_CONFIG];
  SerializedAccount *vault = ctx->accounts[SETTLE_TASK_VAULT];
  Execution *e;
  Config *c;
  TaskRun *run;
  Node *n;
  TRY(load_execution(ctx, ctx->accounts[SETTLE_TASK_EXECUTION], &e));
  TRY(load_config(ctx, config, &c));
  TRY(check_vault_account(c, vault));
  TRY(check_program(ctx->accounts[SETTLE_TASK_TOKEN_PROGRAM], &TOKEN_PROGRAM));
  TRY(task_run(e, index, &run));
  /* A sampled task whose verifier timed out waits for another verifier: never paid unverified. */
  if (run->status == TASK_REPORTED && run->sampled) return ERR_SAMPLED_UNVERIFIED;
  if (run->status == TASK_REPORTED) {
    /* No sampling decision within the challenge window: nobody challenged, so it pays as unsampled. */
    run->pay_node = run->payment;
    run->from_escrow = run->payment;
    run->status = TASK_UNSAMPLED;
  }
  if (run->status == TASK_UNSAMPLED) {
    i64 now;
    TRY(now_unix(&now));
    if (now < run->reported_at || (u64)(now - run->reported_at) < c->params.challenge_window_s)
      return ERR_CHALLENGE_WINDOW_OPEN;
  } else if (run->status != TASK_MATCHED && run->status != TASK_RESOLVED) {
    return ERR_INVALID_TASK_STATE;
  }
  SerializedAccount *node_wallet = ctx->accounts[SETTLE_TASK_NODE_WALLET];
  TRY(load_node_account(ctx, ctx->accounts[SETTLE_TASK_NODE], &run->node, &n));
  TRY(check_wallet(c, node_wallet, &run->node));
  TRY(check_distinct(node_wallet, vault));
  TRY(pay_from_vault(vault, node_wallet, config, c, run->pay_node));
  if (n->active_assignments) n->active_assignments--;
  if (run->status != TASK_UNSAMPLED) {
    Node *v;
    SerializedAccount *verifier_wallet = ctx->accounts[SETTLE_TASK_VERIFIER_WALLET];
    TRY(load_node_account(ctx, ctx->accounts[SETTLE_TASK_VERIFIER], &run->verifier, &v));
    TRY(check_wallet(c, verifier_wallet, &run->verifier));
    TRY(check_distinct(verifier_wallet, vault));
    TRY(pay_from_vault(vault, verifier_wallet, config, c, run->pay_verifier));
    if (v->active_assignments) v->active_assignments--;
  }
  TRY(checked_add(e->spent, run->from_escrow, &e->spent));
  run->status = TASK_SETTLED;
  return SUCCESS;
}

u64 ix_close_execution(const Ctx *ctx) {
  if (ctx->num_accounts < CLOSE_EXECUTION_ACCOUNTS) return ERR_NOT_ENOUGH_ACCOUNTS;
  if (ctx->data_len != CLOSE_EXECUTION_DATA_LEN) return ERR_INVALID_INSTRUCTION_DATA;
  SerializedAccount *client = ctx->accounts[CLOSE_EXECUTION_CLIENT];
  SerializedAccount *execution = ctx->accounts[CLOSE_EXECUTION_EXECUTION];
  SerializedAccount *config = ctx->accounts[CLOSE_EXECUTION_CONFIG];
  SerializedAccount *vault = ctx->accounts[CLOSE_EXECUTION_VAULT];
  SerializedAccount *wallet = ctx->accounts[CLOSE_EXECUTION_CLIENT_WALLET];
  Execution *e;
  Config *c;
  TRY(check_signer(client));
  TRY(check_writable(client));
  TRY(load_execution(ctx, execution, &e));
  if (!pubkey_eq(&client->key, &e->client)) return ERR_UNAUTHORIZED;
  TRY(load_config(ctx, config, &c));
  TRY(check_vault_account(c, vault));
  TRY(check_wallet(c, wallet, &client->key));
  TRY(check_program(ctx->accounts[CLOSE_EXECUTION_TOKEN_PROGRAM], &TOKEN_PROGRAM));
  i64 now;
  TRY(now_unix(&now));
  bool expired = now >= e->created_at && (u64)(now - e->created_at) >= c->params.assignment_timeout_s;
  for (u8 i = 0; i < e->task_count; i++) {
    u8 s = e->tasks[i].status;
    if (s == TASK_SETTLED || (s == TASK_PENDING && expired)) continue;
    return ERR_EXECUTION_NOT_FINISHED;
  }
  u64 refund;
  TRY(checked_sub(e->max_fee, e->spent, &refund));
  TRY(checked_add(refund, e->refund_extra, &refund));
  TRY(pay_from_vault(vault, wallet, config, c, refund));
  /* Close: rent back to the client, data wiped so the account cannot be reused in this tx. */
  u64 lamports;
  TRY(checked_add(client->lamports, execution->lamports, &lamports));
  client->lamports = lamports;
  execution->lamports = 0;
  sol_memset_(execution->data, 0, execution->data_len);
  return SUCCESS;
}

/* Deadline of attempt k (1-based): completion timeout x 2^(k-1), doubling at most
 * MAX_BACKOFF_DOUBLINGS times, so a task that keeps timing out waits longer each round. */
static u64 completion_deadline(const Config *c, const TaskRun *run, u64 *out) {
  u64 doublings = run->attempts > 0 ? run->attempts - 1 : 0;
  if (doublings > MAX_BACKOFF_DOUBLINGS) doublings = MAX_BACKOFF_DOUBLINGS;
  return checked_mul(c->params.completion_timeout_s, 1ULL << doublings, out);
}

/* A node that timed out: an assigned node that never reported goes back to PENDING; a verifier
 * that never committed goes back to REPORTED, still sampled, for the committee to name another one,
 * and loses R x C of its stake (what a match would have paid it) to the client: staying silent
 * must cost a verifier more than verifying (penalise_verifier, shared with reveal_timeout). */
u64 ix_reassign_task(const Ctx *ctx) {
  if (ctx->num_accounts < REASSIGN_TASK_ACCOUNTS) return ERR_NOT_ENOUGH_ACCOUNTS;
  if (ctx->data_len != REASSIGN_TASK_DATA_LEN) return ERR_INVALID_INSTRUCTION_DATA;
  u8 index = ((const TaskIndexArgs *)(ctx->data + 8))->task_index;
  Execution *e;
  Config *c;
  TaskRun *run;
  Node *n;
  TRY(load_execution(ctx, ctx->accounts[REASSIGN_TASK_EXECUTION], &e));
  TRY(load_config(ctx, ctx->accounts[REASSIGN_TASK_CONFIG], &c));
  TRY(task_run(e, index, &run));
  bool verifying = run->status == TASK_VERIFYING;
  if (run->status != TASK_ASSIGNED && !verifying) return ERR_INVALID_TASK_STATE;
  TRY(load_node_account(ctx, ctx->accounts[REASSIGN_TASK_NODE], verifying ? &run->verifier : &run->node, &n));
  u64 deadline;
  TRY(completion_deadline(c, run, &deadline));
  i64 now, since = verifying ? run->verifier_assigned_at : run->assigned_at;
  TRY(now_unix(&now));
  if (now < since || (u64)(now - since) < deadline) return ERR_DEADLINE_NOT_PASSED;
  if (verifying) return penalise_verifier(e, run, n);
  if (n->active_assignments) n->active_assignments--;
  sol_memset_(&run->node, 0, sizeof(Pubkey));
  run->assigned_at = 0;
  run->status = TASK_PENDING;
  return SUCCESS;
}
