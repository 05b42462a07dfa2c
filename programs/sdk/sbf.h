/*
 * Minimal SBPF v0 program SDK for clang-16 --target=bpf -mcpu=v2 (no Solana toolchain).
 * Our own header: syscall prototypes, the aligned input serialization and CPI structs
 * the runtime's C ABI expects. No writable globals, nothing larger than 512 bytes on the stack.
 */
#pragma once

typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long long u64;
typedef signed long long i64;
typedef _Bool bool;
#define true 1
#define false 0
#define NULL ((void *)0)

#define NOINLINE __attribute__((noinline))
#define PACKED __attribute__((packed))
#define STATIC_ASSERT(c, m) _Static_assert(c, m)

typedef struct {
  u8 x[32];
} Pubkey;

/* One account as the runtime serializes it (aligned loader; not a duplicate). */
typedef struct {
  u8 dup_info; /* 0xff: first occurrence; else index of the account this duplicates */
  u8 is_signer;
  u8 is_writable;
  u8 executable;
  u32 original_data_len;
  Pubkey key;
  Pubkey owner;
  u64 lamports;
  u64 data_len;
  u8 data[];
} SerializedAccount;

#define NON_DUP_MARKER 0xff
/* Space the runtime leaves after each account's data so a program may grow it. */
#define MAX_PERMITTED_DATA_INCREASE 10240

/* The heap: 32 KiB, zeroed, at this address. We keep per-call scratch state here. */
#define HEAP_START 0x300000000ULL
#define HEAP_LENGTH (32 * 1024)

/* CPI ABI (sol_invoke_signed_c). */
typedef struct {
  Pubkey *key;
  u64 *lamports;
  u64 data_len;
  u8 *data;
  Pubkey *owner;
  u64 rent_epoch;
  bool is_signer;
  bool is_writable;
  bool executable;
} SolAccountInfo;

typedef struct {
  Pubkey *pubkey;
  bool is_writable;
  bool is_signer;
} SolAccountMeta;

typedef struct {
  Pubkey *program_id;
  SolAccountMeta *accounts;
  u64 account_len;
  u8 *data;
  u64 data_len;
} SolInstruction;

typedef struct {
  const u8 *addr;
  u64 len;
} SolSignerSeed;

typedef struct {
  const SolSignerSeed *addr;
  u64 len;
} SolSignerSeeds;

typedef struct {
  const u8 *addr;
  u64 len;
} SolBytes;

typedef struct {
  u64 slot;
  i64 epoch_start_timestamp;
  u64 epoch;
  u64 leader_schedule_epoch;
  i64 unix_timestamp;
} SolClock;

/* Syscalls: undefined symbols the linker turns into R_BPF_64_32 dynamic relocations. */
extern void sol_log_(const char *message, u64 len);
extern void sol_log_64_(u64 a, u64 b, u64 c, u64 d, u64 e);
extern void sol_log_pubkey(const Pubkey *key);
extern void sol_log_compute_units_(void);
extern void sol_panic_(const char *file, u64 len, u64 line, u64 column);
extern void sol_memcpy_(void *dst, const void *src, u64 n);
extern void sol_memset_(void *dst, u8 value, u64 n);
extern void sol_memcmp_(const void *a, const void *b, u64 n, int *result);
extern u64 sol_sha256(const SolBytes *values, u64 count, u8 *result);
extern u64 sol_invoke_signed_c(const SolInstruction *ix, const SolAccountInfo *infos, u64 infos_len,
                               const SolSignerSeeds *seeds, u64 seeds_len);
extern u64 sol_create_program_address(const SolSignerSeed *seeds, u64 count, const Pubkey *program_id,
                                      Pubkey *out);
extern u64 sol_try_find_program_address(const SolSignerSeed *seeds, u64 count, const Pubkey *program_id,
                                        Pubkey *out, u8 *bump);
extern u64 sol_get_clock_sysvar(SolClock *out);
/* Rent sysvar: lamports_per_byte_year (u64), exemption_threshold (f64 bits), burn_percent (u8). */
typedef struct {
  u64 lamports_per_byte_year;
  u64 exemption_threshold_f64_bits;
  u64 burn_percent;
} SolRent;
extern u64 sol_get_rent_sysvar(SolRent *out);
extern void sol_set_return_data(const u8 *data, u64 len);

/* Curve25519 syscalls (agave, feature curve25519_syscall_enabled). Points are 32-byte compressed
 * encodings, scalars 32-byte little-endian and canonical (< the group order); each returns 0 on
 * success and 1 when an input does not decode (validate_point: 1 = not on the curve). */
#define CURVE25519_EDWARDS 0
#define CURVE_OP_ADD 0
#define CURVE_OP_SUB 1
#define CURVE_OP_MUL 2 /* left: the scalar, right: the point */
extern u64 sol_curve_validate_point(u64 curve_id, const u8 *point, u8 *result);
extern u64 sol_curve_group_op(u64 curve_id, u64 group_op, const u8 *left, const u8 *right, u8 *result);
extern u64 sol_curve_multiscalar_mul(u64 curve_id, const u8 *scalars, const u8 *points, u64 points_len,
                                     u8 *result);

#define sol_log(literal) sol_log_((literal), sizeof(literal) - 1)

/* Entry return codes: 0 is success; a custom program error n is returned as n (n != 0). */
#define SUCCESS 0ULL
