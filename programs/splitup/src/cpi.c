/* Cross-program invocations: System create_account, SPL Token transfer and InitializeAccount3. */
#include "program.h"

#define SYSTEM_IX_CREATE_ACCOUNT 0
#define SYSTEM_IX_ASSIGN 1
#define SYSTEM_IX_TRANSFER 2
#define SYSTEM_IX_ALLOCATE 8
#define F64_TWO 0x4000000000000000ULL
#define F64_ONE 0x3ff0000000000000ULL
#define TOKEN_IX_TRANSFER 3
#define TOKEN_IX_INITIALIZE_ACCOUNT3 18
/* Rent counts 128 bytes of account overhead on top of the data. */
#define ACCOUNT_STORAGE_OVERHEAD 128

static void to_info(SerializedAccount *a, SolAccountInfo *out) {
  out->key = &a->key;
  out->lamports = &a->lamports;
  out->data_len = a->data_len;
  out->data = a->data;
  out->owner = &a->owner;
  out->rent_epoch = 0;
  out->is_signer = a->is_signer;
  out->is_writable = a->is_writable;
  out->executable = a->executable;
}

static void to_meta(SerializedAccount *a, bool writable, bool signer, SolAccountMeta *out) {
  out->pubkey = &a->key;
  out->is_writable = writable;
  out->is_signer = signer;
}

static void put_u64(u8 *at, u64 v) {
  for (int i = 0; i < 8; i++) at[i] = (u8)(v >> (8 * i));
}

/* Rent-exempt minimum: (overhead + data) * lamports per byte-year * threshold years. SBPF has no
 * floating point, so the threshold must be one of the whole numbers clusters use: 2.0 (classic)
 * or 1.0 (SIMD-0194, with the per-byte rate doubled instead). */
static u64 rent_exempt_minimum(u64 space, u64 *out) {
  SolRent rent;
  if (sol_get_rent_sysvar(&rent) != 0) return ERR_INVALID_PARAMETERS;
  u64 years;
  if (rent.exemption_threshold_f64_bits == F64_TWO)
    years = 2;
  else if (rent.exemption_threshold_f64_bits == F64_ONE)
    years = 1;
  else
    return ERR_INVALID_PARAMETERS;
  TRY(checked_mul(ACCOUNT_STORAGE_OVERHEAD + space, rent.lamports_per_byte_year, out));
  return checked_mul(*out, years, out);
}

/* One System program instruction whose accounts are `a` (and `b` when given), both signing. */
static u64 system_invoke(u8 *data, u64 len, SerializedAccount *a, SerializedAccount *b, const SolSignerSeeds *signer) {
  SolAccountMeta metas[2];
  SolAccountInfo infos[2];
  to_meta(a, true, true, &metas[0]);
  to_info(a, &infos[0]);
  u64 n = 1;
  if (b) {
    to_meta(b, true, b->is_signer || signer != NULL, &metas[1]);
    to_info(b, &infos[1]);
    n = 2;
  }
  SolInstruction ix = {(Pubkey *)&SYSTEM_PROGRAM, metas, n, data, len};
  return sol_invoke_signed_c(&ix, infos, n, signer, signer ? 1 : 0);
}

/* Creates `target` (a PDA signing through `signer`) with `space` bytes owned by `owner`, paid by
 * `payer`. If lamports were sent to the address first, tops up, allocates and assigns instead,
 * so a pre-funded address cannot block creation. */
u64 create_pda_account(SerializedAccount *payer, SerializedAccount *target, u64 space, const Pubkey *owner,
                       const SolSignerSeeds *signer) {
  u64 needed;
  TRY(rent_exempt_minimum(space, &needed));
  u8 data[4 + 8 + 8 + 32];
  sol_memset_(data, 0, sizeof data);
  if (target->lamports == 0) {
    data[0] = SYSTEM_IX_CREATE_ACCOUNT;
    put_u64(data + 4, needed);
    put_u64(data + 12, space);
    sol_memcpy_(data + 20, owner, sizeof(Pubkey));
    return system_invoke(data, sizeof data, payer, target, signer);
  }
  if (target->lamports < needed) {
    data[0] = SYSTEM_IX_TRANSFER;
    put_u64(data + 4, needed - target->lamports);
    TRY(system_invoke(data, 12, payer, target, NULL));
  }
  sol_memset_(data, 0, sizeof data);
  data[0] = SYSTEM_IX_ALLOCATE;
  put_u64(data + 4, space);
  TRY(system_invoke(data, 12, target, NULL, signer));
  sol_memset_(data, 0, sizeof data);
  data[0] = SYSTEM_IX_ASSIGN;
  sol_memcpy_(data + 4, owner, sizeof(Pubkey));
  return system_invoke(data, 36, target, NULL, signer);
}

u64 token_transfer(SerializedAccount *from, SerializedAccount *to, SerializedAccount *authority, u64 amount,
                   const SolSignerSeeds *signer) {
  u8 data[9];
  data[0] = TOKEN_IX_TRANSFER;
  put_u64(data + 1, amount);
  SolAccountMeta metas[3];
  to_meta(from, true, false, &metas[0]);
  to_meta(to, true, false, &metas[1]);
  to_meta(authority, false, true, &metas[2]);
  SolAccountInfo infos[3];
  to_info(from, &infos[0]);
  to_info(to, &infos[1]);
  to_info(authority, &infos[2]);
  SolInstruction ix = {(Pubkey *)&TOKEN_PROGRAM, metas, 3, data, sizeof data};
  return sol_invoke_signed_c(&ix, infos, 3, signer, signer ? 1 : 0);
}

u64 token_init_account(SerializedAccount *account, SerializedAccount *mint, const Pubkey *owner) {
  u8 data[33];
  data[0] = TOKEN_IX_INITIALIZE_ACCOUNT3;
  sol_memcpy_(data + 1, owner, sizeof(Pubkey));
  SolAccountMeta metas[2];
  to_meta(account, true, false, &metas[0]);
  to_meta(mint, false, false, &metas[1]);
  SolAccountInfo infos[2];
  to_info(account, &infos[0]);
  to_info(mint, &infos[1]);
  SolInstruction ix = {(Pubkey *)&TOKEN_PROGRAM, metas, 2, data, sizeof data};
  return sol_invoke_signed_c(&ix, infos, 2, NULL, 0);
}
