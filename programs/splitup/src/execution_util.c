/* Helpers shared by the execution instructions. */
#include "execution.h"

u64 load_execution(const Ctx *ctx, SerializedAccount *a, Execution **out) {
  TRY(load_program_account(ctx, a, DISC_EXECUTION, EXECUTION_SPACE, true));
  *out = ACCOUNT_DATA(a, Execution);
  return SUCCESS;
}

u64 task_run(Execution *e, u8 index, TaskRun **out) {
  if (index >= e->task_count) return ERR_INVALID_TASK_INDEX;
  *out = &e->tasks[index];
  return SUCCESS;
}

/* Any node account (owner + discriminator), writable: its counters change. */
u64 load_node_account(const Ctx *ctx, SerializedAccount *a, const Pubkey *expected_authority, Node **out) {
  TRY(load_program_account(ctx, a, DISC_NODE, NODE_SPACE, true));
  Node *n = ACCOUNT_DATA(a, Node);
  if (expected_authority && !pubkey_eq(&n->authority, expected_authority)) return ERR_NOT_ASSIGNED_NODE;
  *out = n;
  return SUCCESS;
}

u64 load_exec_model(const Ctx *ctx, SerializedAccount *a, const Execution *e, const Model **out) {
  TRY(load_program_account(ctx, a, DISC_MODEL, MODEL_SPACE, false));
  if (!pubkey_eq(&a->key, &e->model)) return ERR_WRONG_MODEL;
  *out = ACCOUNT_DATA(a, Model);
  return SUCCESS;
}

/* May take work on task `index` of `model`: specialized in it, not slashed or unstaking, and its
 * stake still covers the VRAM it specializes in. */
u64 check_eligible(const Config *c, const Node *n, const Pubkey *model, u8 index) {
  if (n->slashed) return ERR_NODE_SLASHED;
  if (n->unstaking) return ERR_NODE_UNSTAKING;
  bool found = false;
  for (u8 i = 0; i < n->specialization_count; i++)
    if (n->specializations[i].task_index == index && pubkey_eq(&n->specializations[i].model, model)) found = true;
  if (!found) return ERR_NOT_SPECIALIZED;
  u64 required;
  TRY(required_stake(&c->params, n->specialized_vram, &required));
  return n->staked >= required ? SUCCESS : ERR_INSUFFICIENT_STAKE;
}

/* A writable SPL token account of the configured mint, owned by `owner`. */
u64 check_wallet(const Config *c, const SerializedAccount *wallet, const Pubkey *owner) {
  if (!pubkey_eq(&wallet->owner, &TOKEN_PROGRAM) || wallet->data_len != TOKEN_ACCOUNT_SIZE)
    return ERR_INVALID_TOKEN_ACCOUNT;
  if (!pubkey_eq((const Pubkey *)(wallet->data + TOKEN_ACCOUNT_MINT_OFFSET), &c->mint) ||
      !pubkey_eq((const Pubkey *)(wallet->data + TOKEN_ACCOUNT_OWNER_OFFSET), owner))
    return ERR_INVALID_TOKEN_ACCOUNT;
  return check_writable(wallet);
}

/* amount x bps / BPS, checked. */
u64 mul_bps(u64 amount, u64 bps, u64 *out) {
  TRY(checked_mul(amount, bps, out));
  *out = *out / BPS;
  return SUCCESS;
}

/* Pays `amount` from the vault, signed by the config PDA that owns it. */
u64 pay_from_vault(SerializedAccount *vault, SerializedAccount *to, SerializedAccount *config, const Config *c,
                   u64 amount) {
  if (amount == 0) return SUCCESS;
  u8 bump = c->bump;
  SolSignerSeed seeds[2] = {{(const u8 *)CONFIG_SEED, sizeof(CONFIG_SEED) - 1}, {&bump, 1}};
  SolSignerSeeds signer = {seeds, 2};
  return token_transfer(vault, to, config, amount, &signer);
}

u64 check_vault_account(const Config *c, const SerializedAccount *vault) {
  TRY(check_writable(vault));
  return pubkey_eq(&vault->key, &c->vault) ? SUCCESS : ERR_INVALID_PDA;
}
