/* update_committee: the admin alone, or a threshold of the current committee signing together. */
#include "program.h"

/* Counts distinct current committee members among the signing accounts. */
u64 committee_signers(const Ctx *ctx, const Config *c) {
  u32 seen = 0;
  u64 count = 0;
  for (u64 i = 0; i < ctx->num_accounts; i++) {
    const SerializedAccount *a = ctx->accounts[i];
    if (!a->is_signer) continue;
    for (u8 m = 0; m < c->committee_len; m++) {
      if ((seen >> m) & 1) continue;
      if (pubkey_eq(&a->key, &c->committee[m])) {
        seen |= 1u << m;
        count++;
        break;
      }
    }
  }
  return count;
}

/* A committee decision: at least `threshold` distinct members signed this transaction. */
u64 check_committee_quorum(const Ctx *ctx, const Config *c) {
  return committee_signers(ctx, c) >= c->threshold ? SUCCESS : ERR_INSUFFICIENT_COMMITTEE_SIGNATURES;
}

u64 ix_update_committee(const Ctx *ctx) {
  if (ctx->num_accounts < UPDATE_COMMITTEE_ACCOUNTS) return ERR_NOT_ENOUGH_ACCOUNTS;
  if (ctx->data_len != UPDATE_COMMITTEE_DATA_LEN) return ERR_INVALID_INSTRUCTION_DATA;
  const UpdateCommitteeArgs *args = (const UpdateCommitteeArgs *)(ctx->data + 8);
  SerializedAccount *authority = ctx->accounts[UPDATE_COMMITTEE_AUTHORITY];
  SerializedAccount *config = ctx->accounts[UPDATE_COMMITTEE_CONFIG];
  TRY(check_signer(authority));
  TRY(load_program_account(ctx, config, DISC_CONFIG, CONFIG_SPACE, true));
  Config *c = ACCOUNT_DATA(config, Config);

  if (!pubkey_eq(&authority->key, &c->admin)) {
    if (committee_signers(ctx, c) < c->threshold) return ERR_INSUFFICIENT_COMMITTEE_SIGNATURES;
  }
  u8 threshold = args->threshold;
  TRY(check_committee(args->committee, args->committee_len, &threshold));
  sol_memset_(c->committee, 0, sizeof c->committee);
  sol_memcpy_(c->committee, args->committee, sizeof(Pubkey) * args->committee_len);
  c->committee_len = args->committee_len;
  c->threshold = threshold;
  TRY(checked_add(c->committee_epoch, 1, &c->committee_epoch));
  return SUCCESS;
}
