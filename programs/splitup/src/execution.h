/* Declarations shared by the execution instructions (request, assign, report, verify, reveal, settle). */
#pragma once
#include "program.h"

#define TOKEN_ACCOUNT_SIZE 165
#define TOKEN_ACCOUNT_MINT_OFFSET 0
#define TOKEN_ACCOUNT_OWNER_OFFSET 32

u64 load_execution(const Ctx *ctx, SerializedAccount *a, Execution **out);
u64 task_run(Execution *e, u8 index, TaskRun **out);
u64 load_node_account(const Ctx *ctx, SerializedAccount *a, const Pubkey *expected_authority, Node **out);
u64 load_exec_model(const Ctx *ctx, SerializedAccount *a, const Execution *e, const Model **out);
u64 check_eligible(const Config *c, const Node *n, const Pubkey *model, u8 index);
u64 check_wallet(const Config *c, const SerializedAccount *wallet, const Pubkey *owner);
u64 mul_bps(u64 amount, u64 bps, u64 *out);
u64 pay_from_vault(SerializedAccount *vault, SerializedAccount *to, SerializedAccount *config, const Config *c,
                   u64 amount);
u64 check_vault_account(const Config *c, const SerializedAccount *vault);

/* penalties.c */
u64 slash_guilty(Execution *e, TaskRun *run, const Config *c, Node *guilty, bool guilty_is_node);
u64 penalise_verifier(Execution *e, TaskRun *run, Node *v);
u64 reveal_window_s(const Config *c, u64 *out);
