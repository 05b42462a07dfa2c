/* Shared declarations of the SplitUp program: the parsed input and the account checks. */
#pragma once
#include "generated/splitup_layout.h"
#include "merkle.h"

#define MAX_ACCOUNTS 32
#define TRY(expr)            \
  do {                       \
    u64 err__ = (expr);      \
    if (err__) return err__; \
  } while (0)

/* The parsed input. Lives on the heap: the 512-byte stack cannot hold it. */
typedef struct {
  u64 num_accounts;
  SerializedAccount *accounts[MAX_ACCOUNTS]; /* a duplicate points at its original */
  const u8 *data;
  u64 data_len;
  const Pubkey *program_id;
} Ctx;

#define ACCOUNT_DATA(acc, T) ((T *)((acc)->data + 8))

/* checks.c */
bool pubkey_eq(const Pubkey *a, const Pubkey *b);
bool pubkey_is_zero(const Pubkey *a);
u64 check_signer(const SerializedAccount *a);
u64 check_writable(const SerializedAccount *a);
u64 check_program(const SerializedAccount *a, const Pubkey *id);
u64 check_uninitialized(const SerializedAccount *a);
u64 load_program_account(const Ctx *ctx, SerializedAccount *a, u64 disc, u64 space, bool writable);
u64 load_config(const Ctx *ctx, SerializedAccount *a, Config **out);
u64 load_node(const Ctx *ctx, SerializedAccount *node, const SerializedAccount *authority, Node **out);
u64 check_distinct(const SerializedAccount *a, const SerializedAccount *b);
u64 find_pda(const SolSignerSeed *seeds, u64 n, const Pubkey *program_id, const Pubkey *expected, u8 *bump);
u64 now_unix(i64 *out);
u64 checked_add(u64 a, u64 b, u64 *out);
u64 checked_mul(u64 a, u64 b, u64 *out);
u64 checked_sub(u64 a, u64 b, u64 *out);

/* cpi.c */
u64 create_pda_account(SerializedAccount *payer, SerializedAccount *target, u64 space, const Pubkey *owner,
                       const SolSignerSeeds *signer);
u64 token_transfer(SerializedAccount *from, SerializedAccount *to, SerializedAccount *authority, u64 amount,
                   const SolSignerSeeds *signer);
u64 token_init_account(SerializedAccount *account, SerializedAccount *mint, const Pubkey *owner);

/* ix_initialize.c, shared with update_committee */
u8 default_threshold(u8 n);
u64 check_committee(const Pubkey *committee, u8 len, u8 *threshold);
u64 check_params(const ProtocolParams *p);

/* upgrade_authority.c: `authority` signed and is the upgrade authority of this program */
u64 check_upgrade_authority(const Ctx *ctx, const SerializedAccount *program,
                            const SerializedAccount *program_data, const SerializedAccount *authority);

/* ix_committee.c */
u64 committee_signers(const Ctx *ctx, const Config *c);
u64 check_committee_quorum(const Ctx *ctx, const Config *c);

/* round_proof.c: the path's leaf is in the table certified in `r` (0, or why not) */
u64 check_certified_leaf(const RoundCertificate *r, const MerklePath *p);

/* Instruction handlers */
u64 ix_initialize(const Ctx *ctx);
u64 ix_update_committee(const Ctx *ctx);
u64 ix_register_node(const Ctx *ctx);
u64 ix_stake(const Ctx *ctx);
u64 ix_request_unstake(const Ctx *ctx);
u64 ix_withdraw(const Ctx *ctx);
u64 ix_create_model(const Ctx *ctx);
u64 ix_register_task(const Ctx *ctx);
u64 ix_add_connections(const Ctx *ctx);
u64 ix_register_model(const Ctx *ctx);
u64 ix_declare_specialization(const Ctx *ctx);
u64 required_stake(const ProtocolParams *p, u64 vram, u64 *out);

u64 ix_request_execution(const Ctx *ctx);
u64 ix_assign_task(const Ctx *ctx);
u64 ix_report_completion(const Ctx *ctx);
u64 ix_decide_sampling(const Ctx *ctx);
u64 ix_report_verification(const Ctx *ctx);
u64 ix_reveal_output(const Ctx *ctx);
u64 ix_reveal_timeout(const Ctx *ctx);
u64 ix_resolve_dispute(const Ctx *ctx);
u64 ix_reassign_task(const Ctx *ctx);
u64 ix_settle_task(const Ctx *ctx);
u64 ix_close_execution(const Ctx *ctx);
u64 ix_submit_vote(const Ctx *ctx);

/* dag.c */
u64 validate_dag(const Model *m);
