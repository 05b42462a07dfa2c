/* initialize: config + vault, refusing parameters that make cheating profitable. */
#include "execution.h"

#define MINT_SIZE 82
#define MINT_IS_INITIALIZED_OFFSET 45


/* ceil(2n/3): the smallest threshold no two disjoint groups can both reach. */
u8 default_threshold(u8 n) { return (u8)((2 * n + 2) / 3); }

/* Committee: 1..MAX_COMMITTEE distinct nonzero keys; threshold a strict majority, at most n. */
u64 check_committee(const Pubkey *committee, u8 len, u8 *threshold) {
  if (len == 0 || len > MAX_COMMITTEE) return ERR_INVALID_COMMITTEE;
  for (u8 i = 0; i < len; i++) {
    if (pubkey_is_zero(&committee[i])) return ERR_INVALID_COMMITTEE;
    for (u8 j = 0; j < i; j++)
      if (pubkey_eq(&committee[i], &committee[j])) return ERR_INVALID_COMMITTEE;
  }
  if (*threshold == 0) *threshold = default_threshold(len);
  if (*threshold > len || 2 * (u64)*threshold <= len) return ERR_INVALID_THRESHOLD;
  return SUCCESS;
}

/* The Proof-of-Sampling security condition p > C/((1-r)(R+S)): p the probability a task is
 * verified, r the largest colluding fraction, R the verifier reward and S the slash, against the
 * task payment C; below it, skipping the work pays in expectation. With R and S in multiples of C
 * and everything in basis points: p/B > 1/((1-r/B)(R/B+S/B))  <=>  p (B-r) (R+S) > B^3, checked. */
u64 check_params(const ProtocolParams *p) {
  if (p->verify_probability_bps == 0 || p->verify_probability_bps > BPS) return ERR_INVALID_PARAMETERS;
  if (p->collusion_bps >= BPS) return ERR_INVALID_PARAMETERS;
  if (p->verifier_reward_bps > MAX_MULTIPLE_BPS || p->slash_bps > MAX_MULTIPLE_BPS) return ERR_INVALID_PARAMETERS;
  if (p->assignment_timeout_s == 0 || p->completion_timeout_s == 0 || p->challenge_window_s == 0 ||
      p->unstake_cooldown_s == 0)
    return ERR_INVALID_PARAMETERS;
  u64 lhs;
  TRY(checked_mul(p->verify_probability_bps, BPS - p->collusion_bps, &lhs));
  TRY(checked_mul(lhs, (u64)p->verifier_reward_bps + p->slash_bps, &lhs));
  u64 rhs = (u64)BPS * BPS * BPS;
  return lhs > rhs ? SUCCESS : ERR_INSECURE_PARAMETERS;
}

static u64 check_mint(const SerializedAccount *mint) {
  if (!pubkey_eq(&mint->owner, &TOKEN_PROGRAM) || mint->data_len != MINT_SIZE ||
      mint->data[MINT_IS_INITIALIZED_OFFSET] != 1)
    return ERR_INVALID_MINT;
  return SUCCESS;
}

u64 ix_initialize(const Ctx *ctx) {
  if (ctx->num_accounts < INITIALIZE_ACCOUNTS) return ERR_NOT_ENOUGH_ACCOUNTS;
  if (ctx->data_len != INITIALIZE_DATA_LEN) return ERR_INVALID_INSTRUCTION_DATA;
  const InitializeArgs *args = (const InitializeArgs *)(ctx->data + 8);
  SerializedAccount *admin = ctx->accounts[INITIALIZE_ADMIN];
  SerializedAccount *config = ctx->accounts[INITIALIZE_CONFIG];
  SerializedAccount *mint = ctx->accounts[INITIALIZE_MINT];
  SerializedAccount *vault = ctx->accounts[INITIALIZE_VAULT];
  /* Only the deployer names the admin: otherwise whoever calls first after the deploy owns it. */
  TRY(check_upgrade_authority(ctx, ctx->accounts[INITIALIZE_PROGRAM], ctx->accounts[INITIALIZE_PROGRAM_DATA],
                              ctx->accounts[INITIALIZE_UPGRADE_AUTHORITY]));
  TRY(check_signer(admin));
  TRY(check_writable(admin));
  TRY(check_writable(config));
  TRY(check_writable(vault));
  TRY(check_program(ctx->accounts[INITIALIZE_TOKEN_PROGRAM], &TOKEN_PROGRAM));
  TRY(check_program(ctx->accounts[INITIALIZE_SYSTEM_PROGRAM], &SYSTEM_PROGRAM));
  TRY(check_mint(mint));

  u8 threshold = args->threshold;
  TRY(check_committee(args->committee, args->committee_len, &threshold));
  TRY(check_params(&args->params));

  u8 config_bump, vault_bump;
  SolSignerSeed config_seeds[2] = {{(const u8 *)CONFIG_SEED, sizeof(CONFIG_SEED) - 1}, {&config_bump, 1}};
  SolSignerSeed vault_seeds[2] = {{(const u8 *)VAULT_SEED, sizeof(VAULT_SEED) - 1}, {&vault_bump, 1}};
  TRY(find_pda(config_seeds, 1, ctx->program_id, &config->key, &config_bump));
  TRY(find_pda(vault_seeds, 1, ctx->program_id, &vault->key, &vault_bump));
  TRY(check_uninitialized(config));
  TRY(check_uninitialized(vault));

  SolSignerSeeds config_signer = {config_seeds, 2};
  SolSignerSeeds vault_signer = {vault_seeds, 2};
  TRY(create_pda_account(admin, config, CONFIG_SPACE, ctx->program_id, &config_signer));
  TRY(create_pda_account(admin, vault, TOKEN_ACCOUNT_SIZE, &TOKEN_PROGRAM, &vault_signer));
  TRY(token_init_account(vault, mint, &config->key));

  *(u64 *)config->data = DISC_CONFIG;
  Config *c = ACCOUNT_DATA(config, Config);
  sol_memcpy_(&c->admin, &admin->key, sizeof(Pubkey));
  sol_memcpy_(&c->mint, &mint->key, sizeof(Pubkey));
  sol_memcpy_(&c->vault, &vault->key, sizeof(Pubkey));
  sol_memcpy_(c->committee, args->committee, sizeof(Pubkey) * args->committee_len);
  sol_memcpy_(&c->params, &args->params, sizeof(ProtocolParams));
  c->committee_len = args->committee_len;
  c->threshold = threshold;
  c->bump = config_bump;
  c->vault_bump = vault_bump;
  return SUCCESS;
}
