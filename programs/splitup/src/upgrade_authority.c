/* The program's upgrade authority, read from the loader's own accounts (as Anchor's
 * `program_data.upgrade_authority_address == Some(signer)` constraint does), so that only the
 * deployer can run a one-time instruction such as initialize. */
#include "program.h"

/* UpgradeableLoaderState, bincode as the BPF upgradeable loader writes it: a u32 enum tag, then
 *   Program     (tag 2): the 32-byte program-data address;
 *   ProgramData (tag 3): u64 deployment slot, Option<Pubkey> authority (a 1-byte tag, 32 bytes). */
#define LOADER_STATE_PROGRAM 2
#define LOADER_STATE_PROGRAM_DATA 3
#define PROGRAM_STATE_DATA_ADDRESS_AT 4
#define PROGRAM_STATE_SIZE (PROGRAM_STATE_DATA_ADDRESS_AT + 32)
#define PROGRAM_DATA_AUTHORITY_TAG_AT 12
#define PROGRAM_DATA_AUTHORITY_AT 13
#define PROGRAM_DATA_HEADER_SIZE (PROGRAM_DATA_AUTHORITY_AT + 32)

static u32 loader_state_tag(const SerializedAccount *a) { return *(const u32 *)a->data; }

/* `program` must be this program's account and `program_data` its program-data account: the
 * address the loader derives from the program id, owned by the loader, and the one the program
 * account points at. Only then is the authority inside trustworthy. */
static u64 check_program_accounts(const Ctx *ctx, const SerializedAccount *program,
                                  const SerializedAccount *program_data) {
  if (!pubkey_eq(&program->key, ctx->program_id)) return ERR_INVALID_PROGRAM;
  if (!pubkey_eq(&program->owner, &BPF_LOADER_UPGRADEABLE)) return ERR_INVALID_OWNER;
  u8 bump;
  SolSignerSeed seeds[1] = {{ctx->program_id->x, sizeof(Pubkey)}};
  TRY(find_pda(seeds, 1, &BPF_LOADER_UPGRADEABLE, &program_data->key, &bump));
  if (!pubkey_eq(&program_data->owner, &BPF_LOADER_UPGRADEABLE)) return ERR_INVALID_OWNER;
  if (program->data_len < PROGRAM_STATE_SIZE || loader_state_tag(program) != LOADER_STATE_PROGRAM)
    return ERR_INVALID_PROGRAM_DATA;
  if (!pubkey_eq((const Pubkey *)(program->data + PROGRAM_STATE_DATA_ADDRESS_AT), &program_data->key))
    return ERR_INVALID_PROGRAM_DATA;
  if (program_data->data_len < PROGRAM_DATA_HEADER_SIZE ||
      loader_state_tag(program_data) != LOADER_STATE_PROGRAM_DATA)
    return ERR_INVALID_PROGRAM_DATA;
  return SUCCESS;
}

u64 check_upgrade_authority(const Ctx *ctx, const SerializedAccount *program,
                            const SerializedAccount *program_data, const SerializedAccount *authority) {
  TRY(check_program_accounts(ctx, program, program_data));
  if (program_data->data[PROGRAM_DATA_AUTHORITY_TAG_AT] != 1) return ERR_PROGRAM_IMMUTABLE; /* None */
  if (!pubkey_eq((const Pubkey *)(program_data->data + PROGRAM_DATA_AUTHORITY_AT), &authority->key))
    return ERR_NOT_UPGRADE_AUTHORITY;
  return check_signer(authority);
}
