/* Entry: parse the serialized input onto the heap, then dispatch on the 8-byte discriminator. */
#include "program.h"

static u64 parse_input(const u8 *input, Ctx *ctx) {
  const u8 *p = input;
  ctx->num_accounts = *(const u64 *)p;
  if (ctx->num_accounts > MAX_ACCOUNTS) return ERR_TOO_MANY_ACCOUNTS;
  p += 8;
  for (u64 i = 0; i < ctx->num_accounts; i++) {
    SerializedAccount *a = (SerializedAccount *)p;
    if (a->dup_info == NON_DUP_MARKER) {
      ctx->accounts[i] = a;
      p += sizeof(SerializedAccount) + a->data_len + MAX_PERMITTED_DATA_INCREASE;
      p = (const u8 *)(((u64)p + 7) & ~7ULL);
      p += 8; /* rent_epoch */
    } else {
      ctx->accounts[i] = ctx->accounts[a->dup_info];
      p += 8;
    }
  }
  ctx->data_len = *(const u64 *)p;
  p += 8;
  ctx->data = p;
  ctx->program_id = (const Pubkey *)(p + ctx->data_len);
  return SUCCESS;
}

u64 entrypoint(const u8 *input) {
  Ctx *ctx = (Ctx *)HEAP_START;
  TRY(parse_input(input, ctx));
  if (ctx->data_len < 8) return ERR_INVALID_INSTRUCTION_DATA;
  u64 disc = *(const u64 *)ctx->data;
  switch (disc) {
    case IX_INITIALIZE:
      return ix_initialize(ctx);
    case IX_UPDATE_COMMITTEE:
      return ix_update_committee(ctx);
    case IX_REGISTER_NODE:
      return ix_register_node(ctx);
    case IX_STAKE:
      return ix_stake(ctx);
    case IX_REQUEST_UNSTAKE:
      return ix_request_unstake(ctx);
    case IX_WITHDRAW:
      return ix_withdraw(ctx);
    case IX_CREATE_MODEL:
      return ix_create_model(ctx);
    case IX_REGISTER_TASK:
      return ix_register_task(ctx);
    case IX_ADD_CONNECTIONS:
      return ix_add_connections(ctx);
    case IX_REGISTER_MODEL:
      return ix_register_model(ctx);
    case IX_DECLARE_SPECIALIZATION:
      return ix_declare_specialization(ctx);
    case IX_REQUEST_EXECUTION:
      return ix_request_execution(ctx);
    case IX_ASSIGN_TASK:
      return ix_assign_task(ctx);
    case IX_REPORT_COMPLETION:
      return ix_report_completion(ctx);
    case IX_DECIDE_SAMPLING:
      return ix_decide_sampling(ctx);
    case IX_REPORT_VERIFICATION:
      return ix_report_verification(ctx);
    case IX_REVEAL_OUTPUT:
      return ix_reveal_output(ctx);
    case IX_REVEAL_TIMEOUT:
      return ix_reveal_timeout(ctx);
    case IX_RESOLVE_DISPUTE:
      return ix_resolve_dispute(ctx);
    case IX_REASSIGN_TASK:
      return ix_reassign_task(ctx);
    case IX_SETTLE_TASK:
      return ix_settle_task(ctx);
    case IX_CLOSE_EXECUTION:
      return ix_close_execution(ctx);
    case IX_SUBMIT_VOTE:
      return ix_submit_vote(ctx);
    default:
      return ERR_UNKNOWN_INSTRUCTION;
  }
}
