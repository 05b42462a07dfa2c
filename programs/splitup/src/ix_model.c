/* Models and tasks: a draft written in pieces (create_model, register_task, add_connections),
 * then register_model checks the DAG and seals it. */
#include "program.h"

static u64 check_spec(const TensorSpec *s) {
  return s->rank <= MAX_DIMS && s->dtype < DTYPE_COUNT ? SUCCESS : ERR_INVALID_INSTRUCTION_DATA;
}

static u64 check_specs(const TensorSpec *specs, u8 count, u8 limit) {
  if (count > limit) return ERR_CAPACITY_EXCEEDED;
  for (u8 i = 0; i < count; i++) TRY(check_spec(&specs[i]));
  return SUCCESS;
}

/* The draft model of `authority` (signing), writable and not yet registered. */
static u64 load_draft(const Ctx *ctx, SerializedAccount *authority, SerializedAccount *model, Model **out) {
  TRY(check_signer(authority));
  TRY(load_program_account(ctx, model, DISC_MODEL, MODEL_SPACE, true));
  Model *m = ACCOUNT_DATA(model, Model);
  if (!pubkey_eq(&m->authority, &authority->key)) return ERR_UNAUTHORIZED;
  if (m->registered) return ERR_MODEL_REGISTERED;
  *out = m;
  return SUCCESS;
}

u64 ix_create_model(const Ctx *ctx) {
  if (ctx->num_accounts < CREATE_MODEL_ACCOUNTS) return ERR_NOT_ENOUGH_ACCOUNTS;
  if (ctx->data_len != CREATE_MODEL_DATA_LEN) return ERR_INVALID_INSTRUCTION_DATA;
  const CreateModelArgs *args = (const CreateModelArgs *)(ctx->data + 8);
  SerializedAccount *authority = ctx->accounts[CREATE_MODEL_AUTHORITY];
  SerializedAccount *model = ctx->accounts[CREATE_MODEL_MODEL];
  Config *c;
  TRY(check_signer(authority));
  TRY(check_writable(authority));
  TRY(check_writable(model));
  TRY(load_config(ctx, ctx->accounts[CREATE_MODEL_CONFIG], &c));
  TRY(check_program(ctx->accounts[CREATE_MODEL_SYSTEM_PROGRAM], &SYSTEM_PROGRAM));
  TRY(check_specs(args->inputs, args->input_count, MAX_MODEL_IO));
  TRY(check_specs(args->outputs, args->output_count, MAX_MODEL_IO));
  if (args->task_count == 0 || args->task_count > MAX_MODEL_TASKS) return ERR_CAPACITY_EXCEEDED;
  u8 bump;
  SolSignerSeed seeds[3] = {{(const u8 *)MODEL_SEED, sizeof(MODEL_SEED) - 1}, {args->model_id, 32}, {&bump, 1}};
  TRY(find_pda(seeds, 2, ctx->program_id, &model->key, &bump));
  TRY(check_uninitialized(model));
  SolSignerSeeds signer = {seeds, 3};
  TRY(create_pda_account(authority, model, MODEL_SPACE, ctx->program_id, &signer));
  *(u64 *)model->data = DISC_MODEL;
  Model *m = ACCOUNT_DATA(model, Model);
  sol_memcpy_(&m->authority, &authority->key, sizeof(Pubkey));
  sol_memcpy_(m->model_id, args->model_id, 32);
  sol_memcpy_(m->inputs, args->inputs, sizeof m->inputs);
  sol_memcpy_(m->outputs, args->outputs, sizeof m->outputs);
  m->input_count = args->input_count;
  m->output_count = args->output_count;
  m->task_count = args->task_count;
  m->bump = bump;
  return SUCCESS;
}

u64 ix_register_task(const Ctx *ctx) {
  if (ctx->num_accounts < REGISTER_TASK_ACCOUNTS) return ERR_NOT_ENOUGH_ACCOUNTS;
  if (ctx->data_len != REGISTER_TASK_DATA_LEN) return ERR_INVALID_INSTRUCTION_DATA;
  const RegisterTaskArgs *args = (const RegisterTaskArgs *)(ctx->data + 8);
  Model *m;
  TRY(load_draft(ctx, ctx->accounts[REGISTER_TASK_AUTHORITY], ctx->accounts[REGISTER_TASK_MODEL], &m));
  if (args->index >= m->task_count) return ERR_INVALID_TASK_INDEX;
  const TaskDef *t = &args->task;
  TRY(check_specs(t->inputs, t->input_count, MAX_TASK_TENSORS));
  TRY(check_specs(t->outputs, t->output_count, MAX_TASK_TENSORS));
  if (t->state_count > MAX_STATE_BINDINGS || t->cid_count > MAX_WEIGHT_CIDS) return ERR_CAPACITY_EXCEEDED;
  sol_memcpy_(&m->tasks[args->index], t, sizeof(TaskDef));
  m->tasks_written |= (u8)(1u << args->index);
  return SUCCESS;
}

u64 ix_add_connections(const Ctx *ctx) {
  if (ctx->num_accounts < ADD_CONNECTIONS_ACCOUNTS) return ERR_NOT_ENOUGH_ACCOUNTS;
  if (ctx->data_len != ADD_CONNECTIONS_DATA_LEN) return ERR_INVALID_INSTRUCTION_DATA;
  const AddConnectionsArgs *args = (const AddConnectionsArgs *)(ctx->data + 8);
  Model *m;
  TRY(load_draft(ctx, ctx->accounts[ADD_CONNECTIONS_AUTHORITY], ctx->accounts[ADD_CONNECTIONS_MODEL], &m));
  if (args->count > CONNECTIONS_PER_IX || (u64)args->start + args->count > MAX_CONNECTIONS)
    return ERR_CAPACITY_EXCEEDED;
  if (args->start > m->connection_count) return ERR_INVALID_INSTRUCTION_DATA; /* no gaps */
  sol_memcpy_(&m->connections[args->start], args->connections, sizeof(Connection) * args->count);
  u8 end = args->start + args->count;
  if (end > m->connection_count) m->connection_count = end;
  return SUCCESS;
}

u64 ix_register_model(const Ctx *ctx) {
  if (ctx->num_accounts < REGISTER_MODEL_ACCOUNTS) return ERR_NOT_ENOUGH_ACCOUNTS;
  if (ctx->data_len != REGISTER_MODEL_DATA_LEN) return ERR_INVALID_INSTRUCTION_DATA;
  Model *m;
  TRY(load_draft(ctx, ctx->accounts[REGISTER_MODEL_AUTHORITY], ctx->accounts[REGISTER_MODEL_MODEL], &m));
  if (m->tasks_written != (u8)((1u << m->task_count) - 1)) return ERR_TASKS_INCOMPLETE;
  TRY(validate_dag(m));
  u64 total = 0;
  for (u8 i = 0; i < m->task_count; i++) TRY(checked_add(total, m->tasks[i].compute_units, &total));
  i64 now;
  TRY(now_unix(&now));
  m->total_compute_units = total;
  m->registered_at = now;
  m->registered = true;
  return SUCCESS;
}
