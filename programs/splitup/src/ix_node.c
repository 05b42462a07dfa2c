/* Nodes and stake: register_node, stake, request_unstake, withdraw. */
#include "program.h"

u64 ix_register_node(const Ctx *ctx) {
  if (ctx->num_accounts < REGISTER_NODE_ACCOUNTS) return ERR_NOT_ENOUGH_ACCOUNTS;
  if (ctx->data_len != REGISTER_NODE_DATA_LEN) return ERR_INVALID_INSTRUCTION_DATA;
  SerializedAccount *authority = ctx->accounts[REGISTER_NODE_AUTHORITY];
  SerializedAccount *node = ctx->accounts[REGISTER_NODE_NODE];
  Config *c;
  TRY(check_signer(authority));
  TRY(check_writable(authority));
  TRY(check_writable(node));
  TRY(load_config(ctx, ctx->accounts[REGISTER_NODE_CONFIG], &c));
  TRY(check_program(ctx->accounts[REGISTER_NODE_SYSTEM_PROGRAM], &SYSTEM_PROGRAM));
  u8 bump;
  SolSignerSeed seeds[3] = {{(const u8 *)NODE_SEED, sizeof(NODE_SEED) - 1}, {authority->key.x, 32}, {&bump, 1}};
  TRY(find_pda(seeds, 2, ctx->program_id, &node->key, &bump));
  TRY(check_uninitialized(node));
  SolSignerSeeds signer = {seeds, 3};
  TRY(create_pda_account(authority, node, NODE_SPACE, ctx->program_id, &signer));
  *(u64 *)node->data = DISC_NODE;
  Node *n = ACCOUNT_DATA(node, Node);
  sol_memcpy_(&n->authority, &authority->key, sizeof(Pubkey));
  n->bump = bump;
  return SUCCESS;
}

/* The vault passed in must be the one the config created. */
static u64 check_vault(const Config *c, const SerializedAccount *vault) {
  TRY(check_writable(vault));
  return pubkey_eq(&vault->key, &c->vault) ? SUCCESS : ERR_INVALID_PDA;
}

u64 ix_stake(const Ctx *ctx) {
  if (ctx->num_accounts < STAKE_ACCOUNTS) return ERR_NOT_ENOUGH_ACCOUNTS;
  if (ctx->data_len != STAKE_DATA_LEN) return ERR_INVALID_INSTRUCTION_DATA;
  u64 amount = ((const AmountArgs *)(ctx->data + 8))->amount;
  SerializedAccount *authority = ctx->accounts[STAKE_AUTHORITY];
  SerializedAccount *source = ctx->accounts[STAKE_SOURCE];
  SerializedAccount *vault = ctx->accounts[STAKE_VAULT];
  Node *n;
  Config *c;
  TRY(load_node(ctx, ctx->accounts[STAKE_NODE], authority, &n));
  TRY(load_config(ctx, ctx->accounts[STAKE_CONFIG], &c));
  TRY(check_vault(c, vault));
  TRY(check_writable(source));
  TRY(check_distinct(source, vault));
  TRY(check_program(ctx->accounts[STAKE_TOKEN_PROGRAM], &TOKEN_PROGRAM));
  if (amount == 0) return ERR_ZERO_AMOUNT;
  if (n->slashed) return ERR_NODE_SLASHED;
  if (n->unstaking) return ERR_NODE_UNSTAKING;
  u64 staked;
  TRY(checked_add(n->staked, amount, &staked));
  TRY(token_transfer(source, vault, authority, amount, NULL));
  n->staked = staked;
  return SUCCESS;
}

u64 ix_request_unstake(const Ctx *ctx) {
  if (ctx->num_accounts < REQUEST_UNSTAKE_ACCOUNTS) return ERR_NOT_ENOUGH_ACCOUNTS;
  if (ctx->data_len != REQUEST_UNSTAKE_DATA_LEN) return ERR_INVALID_INSTRUCTION_DATA;
  u64 amount = ((const AmountArgs *)(ctx->data + 8))->amount;
  Node *n;
  Config *c;
  TRY(load_node(ctx, ctx->accounts[REQUEST_UNSTAKE_NODE], ctx->accounts[REQUEST_UNSTAKE_AUTHORITY], &n));
  TRY(load_config(ctx, ctx->accounts[REQUEST_UNSTAKE_CONFIG], &c));
  if (amount == 0) return ERR_ZERO_AMOUNT;
  if (amount > n->staked) return ERR_INSUFFICIENT_STAKE;
  i64 now;
  TRY(now_unix(&now));
  n->unstaking = true;
  n->unstake_amount = amount;
  n->unstake_requested_at = now;
  return SUCCESS;
}

u64 ix_withdraw(const Ctx *ctx) {
  if (ctx->num_accounts < WITHDRAW_ACCOUNTS) return ERR_NOT_ENOUGH_ACCOUNTS;
  if (ctx->data_len != WITHDRAW_DATA_LEN) return ERR_INVALID_INSTRUCTION_DATA;
  SerializedAccount *config = ctx->accounts[WITHDRAW_CONFIG];
  SerializedAccount *vault = ctx->accounts[WITHDRAW_VAULT];
  SerializedAccount *destination = ctx->accounts[WITHDRAW_DESTINATION];
  Node *n;
  Config *c;
  TRY(load_node(ctx, ctx->accounts[WITHDRAW_NODE], ctx->accounts[WITHDRAW_AUTHORITY], &n));
  TRY(load_config(ctx, config, &c));
  TRY(check_vault(c, vault));
  TRY(check_writable(destination));
  TRY(check_distinct(destination, vault));
  TRY(check_program(ctx->accounts[WITHDRAW_TOKEN_PROGRAM], &TOKEN_PROGRAM));
  if (!n->unstaking) return ERR_UNSTAKE_NOT_REQUESTED;
  if (n->active_assignments != 0 || n->open_disputes != 0) return ERR_NODE_BUSY;
  i64 now;
  TRY(now_unix(&now));
  if (now < n->unstake_requested_at || (u64)(now - n->unstake_requested_at) < c->params.unstake_cooldown_s)
    return ERR_COOLDOWN_NOT_ELAPSED;
  u64 remaining;
  TRY(checked_sub(n->staked, n->unstake_amount, &remaining));
  u8 bump = c->bump;
  SolSignerSeed seeds[2] = {{(const u8 *)CONFIG_SEED, sizeof(CONFIG_SEED) - 1}, {&bump, 1}};
  SolSignerSeeds signer = {seeds, 2};
  TRY(token_transfer(vault, destination, config, n->unstake_amount, &signer));
  n->staked = remaining;
  n->unstake_amount = 0;
  n->unstaking = false;
  return SUCCESS;
}

/* Stake a node needs for `vram` bytes of specialized tasks: base + per-GB x ceil(vram / GB). */
u64 required_stake(const ProtocolParams *p, u64 vram, u64 *out) {
  u64 gb = vram / VRAM_GB_BYTES + (vram % VRAM_GB_BYTES != 0);
  TRY(checked_mul(p->stake_per_gb, gb, out));
  return checked_add(*out, p->stake_base, out);
}

u64 ix_declare_specialization(const Ctx *ctx) {
  if (ctx->num_accounts < DECLARE_SPECIALIZATION_ACCOUNTS) return ERR_NOT_ENOUGH_ACCOUNTS;
  if (ctx->data_len != DECLARE_SPECIALIZATION_DATA_LEN) return ERR_INVALID_INSTRUCTION_DATA;
  u8 index = ((const SpecializationArgs *)(ctx->data + 8))->task_index;
  SerializedAccount *model = ctx->accounts[DECLARE_SPECIALIZATION_MODEL];
  Node *n;
  Config *c;
  TRY(load_node(ctx, ctx->accounts[DECLARE_SPECIALIZATION_NODE], ctx->accounts[DECLARE_SPECIALIZATION_AUTHORITY], &n));
  TRY(load_config(ctx, ctx->accounts[DECLARE_SPECIALIZATION_CONFIG], &c));
  TRY(load_program_account(ctx, model, DISC_MODEL, MODEL_SPACE, false));
  const Model *m = ACCOUNT_DATA(model, Model);
  if (!m->registered) return ERR_MODEL_NOT_REGISTERED;
  if (index >= m->task_count) return ERR_INVALID_TASK_INDEX;
  if (n->slashed) return ERR_NODE_SLASHED;
  if (n->unstaking) return ERR_NODE_UNSTAKING;
  if (n->specialization_count >= MAX_SPECIALIZATIONS) return ERR_CAPACITY_EXCEEDED;
  for (u8 i = 0; i < n->specialization_count; i++)
    if (n->specializations[i].task_index == index && pubkey_eq(&n->specializations[i].model, &model->key))
      return ERR_ALREADY_SPECIALIZED;
  u64 vram, required;
  TRY(checked_add(n->specialized_vram, m->tasks[index].vram_bytes, &vram));
  TRY(required_stake(&c->params, vram, &required));
  if (n->staked < required) return ERR_INSUFFICIENT_STAKE;
  Specialization *s = &n->specializations[n->specialization_count];
  sol_memcpy_(&s->model, &model->key, sizeof(Pubkey));
  s->task_index = index;
  n->specialization_count++;
  n->specialized_vram = vram;
  return SUCCESS;
}
