/* Account and arithmetic checks every handler composes. Each returns 0 or an error code. */
#include "program.h"

bool pubkey_eq(const Pubkey *a, const Pubkey *b) {
  int r = 0;
  sol_memcmp_(a, b, sizeof(Pubkey), &r);
  return r == 0;
}

bool pubkey_is_zero(const Pubkey *a) {
  for (u64 i = 0; i < sizeof(Pubkey); i++)
    if (a->x[i]) return false;
  return true;
}

u64 check_signer(const SerializedAccount *a) { return a->is_signer ? SUCCESS : ERR_MISSING_SIGNER; }

u64 check_writable(const SerializedAccount *a) { return a->is_writable ? SUCCESS : ERR_ACCOUNT_NOT_WRITABLE; }

u64 check_program(const SerializedAccount *a, const Pubkey *id) {
  return pubkey_eq(&a->key, id) ? SUCCESS : ERR_INVALID_PROGRAM;
}

/* A PDA about to be created: no data, still the system program's. It may hold lamports that
 * someone sent to block creation; create_pda_account copes with those. */
u64 check_uninitialized(const SerializedAccount *a) {
  if (a->data_len != 0 || !pubkey_eq(&a->owner, &SYSTEM_PROGRAM)) return ERR_ALREADY_INITIALIZED;
  return SUCCESS;
}

/* An account of ours: owned by this program, exact size, right discriminator. The program
 * creates each type only at its PDA, so owner + discriminator prove the address. */
u64 load_program_account(const Ctx *ctx, SerializedAccount *a, u64 disc, u64 space, bool writable) {
  if (!pubkey_eq(&a->owner, ctx->program_id)) return ERR_INVALID_OWNER;
  if (a->data_len != space || *(const u64 *)a->data != disc) return ERR_INVALID_DISCRIMINATOR;
  if (writable) TRY(check_writable(a));
  return SUCCESS;
}

u64 load_config(const Ctx *ctx, SerializedAccount *a, Config **out) {
  TRY(load_program_account(ctx, a, DISC_CONFIG, CONFIG_SPACE, false));
  *out = ACCOUNT_DATA(a, Config);
  return SUCCESS;
}

/* The node account of `authority`, which must sign. */
u64 load_node(const Ctx *ctx, SerializedAccount *node, const SerializedAccount *authority, Node **out) {
  TRY(check_signer(authority));
  TRY(load_program_account(ctx, node, DISC_NODE, NODE_SPACE, true));
  Node *n = ACCOUNT_DATA(node, Node);
  if (!pubkey_eq(&n->authority, &authority->key)) return ERR_UNAUTHORIZED;
  *out = n;
  return SUCCESS;
}

u64 check_distinct(const SerializedAccount *a, const SerializedAccount *b) {
  return a == b ? ERR_DUPLICATE_ACCOUNT : SUCCESS;
}

/* Derives the canonical PDA of `seeds` and compares it with `expected`; returns its bump. */
u64 find_pda(const SolSignerSeed *seeds, u64 n, const Pubkey *program_id, const Pubkey *expected, u8 *bump) {
  Pubkey derived;
  if (sol_try_find_program_address(seeds, n, program_id, &derived, bump) != 0) return ERR_INVALID_PDA;
  return pubkey_eq(&derived, expected) ? SUCCESS : ERR_INVALID_PDA;
}

u64 now_unix(i64 *out) {
  SolClock clock;
  if (sol_get_clock_sysvar(&clock) != 0) return ERR_INVALID_PARAMETERS;
  *out = clock.unix_timestamp;
  return SUCCESS;
}

u64 checked_add(u64 a, u64 b, u64 *out) {
  u64 s = a + b;
  if (s < a) return ERR_ARITHMETIC_OVERFLOW;
  *out = s;
  return SUCCESS;
}

u64 checked_sub(u64 a, u64 b, u64 *out) {
  if (b > a) return ERR_ARITHMETIC_OVERFLOW;
  *out = a - b;
  return SUCCESS;
}

/* 64x64 multiply with overflow check in 32-bit halves: clang turns the usual idioms into a
 * 128-bit multiply (__multi3), which BPF cannot call. */
u64 checked_mul(u64 a, u64 b, u64 *out) {
  u64 a_hi = a >> 32, b_hi = b >> 32, a_lo = a & 0xffffffffULL, b_lo = b & 0xffffffffULL;
  if (a_hi != 0 && b_hi != 0) return ERR_ARITHMETIC_OVERFLOW;
  u64 cross = a_hi * b_lo + a_lo * b_hi; /* one term is zero, so this cannot wrap */
  if (cross >> 32) return ERR_ARITHMETIC_OVERFLOW;
  u64 low = a_lo * b_lo;
  u64 result = low + (cross << 32);
  if (result < low) return ERR_ARITHMETIC_OVERFLOW;
  *out = result;
  return SUCCESS;
}
