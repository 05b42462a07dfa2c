/* submit_vote: each committee member sends its own vote for a round's liveness table as the
 * signer of its own small transaction; the round's RoundCertificate accumulates them and certifies
 * the table once ceil(2n/3) distinct members voted it. The rules are tally.ts's: a member counts
 * once, a second different vote removes its vote (both kept as evidence), the same vote again is
 * refused. A certificate is final. */
#include "program.h"

static bool vote_eq(const RoundVote *a, const RoundVote *b) {
  int r = 0;
  sol_memcmp_(a, b, sizeof(RoundVote), &r);
  return r == 0;
}

/* The member's index in the committee, or MAX_COMMITTEE when it is not a member. */
static u8 member_index(const Config *c, const Pubkey *key) {
  for (u8 m = 0; m < c->committee_len; m++)
    if (pubkey_eq(key, &c->committee[m])) return m;
  return MAX_COMMITTEE;
}

/* ceil(2n/3) (tally.ts certificateThreshold), or the configured threshold where it is stricter. */
static u8 certify_threshold(const Config *c) {
  u8 t = default_threshold(c->committee_len);
  return c->threshold > t ? c->threshold : t;
}

/* (Re)starts the tally under the current committee: bit m means committee member m of this epoch,
 * so votes cast under an earlier committee never count for a later one. */
static void open_tally(RoundCertificate *r, const Config *c) {
  r->voted = 0;
  r->equivocators = 0;
  sol_memset_(r->votes, 0, sizeof r->votes);
  sol_memset_(r->conflicts, 0, sizeof r->conflicts);
  r->committee_epoch = c->committee_epoch;
  r->committee_len = c->committee_len;
  r->threshold = certify_threshold(c);
}

/* The round's account: created by this first vote at PDA ["round", round LE], or an existing one
 * of ours for this round. Only the program can write data at the PDA, so a stranger can at most
 * send it lamports beforehand, which create_pda_account absorbs. */
static u64 load_round(const Ctx *ctx, const Config *c, const u64 *round, RoundCertificate **out) {
  SerializedAccount *member = ctx->accounts[SUBMIT_VOTE_MEMBER];
  SerializedAccount *acc = ctx->accounts[SUBMIT_VOTE_ROUND];
  if (acc->data_len == 0 && pubkey_eq(&acc->owner, &SYSTEM_PROGRAM)) {
    TRY(check_writable(member));
    TRY(check_writable(acc));
    TRY(check_program(ctx->accounts[SUBMIT_VOTE_SYSTEM_PROGRAM], &SYSTEM_PROGRAM));
    u8 bump;
    SolSignerSeed seeds[3] = {{(const u8 *)ROUND_SEED, sizeof(ROUND_SEED) - 1}, {(const u8 *)round, 8}, {&bump, 1}};
    TRY(find_pda(seeds, 2, ctx->program_id, &acc->key, &bump));
    SolSignerSeeds signer = {seeds, 3};
    TRY(create_pda_account(member, acc, ROUND_CERTIFICATE_SPACE, ctx->program_id, &signer));
    *(u64 *)acc->data = DISC_ROUND_CERTIFICATE;
    RoundCertificate *r = ACCOUNT_DATA(acc, RoundCertificate);
    r->round = *round;
    r->bump = bump;
    open_tally(r, c);
    *out = r;
    return SUCCESS;
  }
  TRY(load_program_account(ctx, acc, DISC_ROUND_CERTIFICATE, ROUND_CERTIFICATE_SPACE, true));
  RoundCertificate *r = ACCOUNT_DATA(acc, RoundCertificate);
  /* Created only at its round's PDA, so the stored round proves the address. */
  if (r->round != *round) return ERR_INVALID_PDA;
  *out = r;
  return SUCCESS;
}

/* Distinct members whose one counted vote is `v`. */
static u8 count_votes(const RoundCertificate *r, const RoundVote *v) {
  u16 counted = r->voted & (u16)~r->equivocators;
  u8 n = 0;
  for (u8 m = 0; m < r->committee_len; m++)
    if (((counted >> m) & 1) && vote_eq(&r->votes[m], v)) n++;
  return n;
}

u64 ix_submit_vote(const Ctx *ctx) {
  if (ctx->num_accounts < SUBMIT_VOTE_ACCOUNTS) return ERR_NOT_ENOUGH_ACCOUNTS;
  if (ctx->data_len != SUBMIT_VOTE_DATA_LEN) return ERR_INVALID_INSTRUCTION_DATA;
  const SubmitVoteArgs *args = (const SubmitVoteArgs *)(ctx->data + 8);
  SerializedAccount *member = ctx->accounts[SUBMIT_VOTE_MEMBER];
  Config *c;
  TRY(check_signer(member));
  TRY(load_config(ctx, ctx->accounts[SUBMIT_VOTE_CONFIG], &c));
  u8 m = member_index(c, &member->key);
  if (m == MAX_COMMITTEE) return ERR_NOT_COMMITTEE_MEMBER;
  RoundCertificate *r;
  TRY(load_round(ctx, c, &args->round, &r));
  if (r->certified) return ERR_ROUND_CERTIFIED;
  if (r->committee_epoch != c->committee_epoch) open_tally(r, c);

  u16 bit = (u16)(1u << m);
  if (r->equivocators & bit) return ERR_ALREADY_VOTED;
  if (r->voted & bit) {
    if (vote_eq(&r->votes[m], &args->vote)) return ERR_ALREADY_VOTED;
    /* Equivocation: the first vote stops counting, the second never does; both stay as evidence. */
    r->equivocators |= bit;
    sol_memcpy_(&r->conflicts[m], &args->vote, sizeof(RoundVote));
    return SUCCESS;
  }
  r->voted |= bit;
  sol_memcpy_(&r->votes[m], &args->vote, sizeof(RoundVote));
  if (count_votes(r, &args->vote) < r->threshold) return SUCCESS;
  TRY(now_unix(&r->certified_at));
  r->certified = true;
  sol_memcpy_(r->certified_root, args->vote.table_root, MERKLE_HASH_BYTES);
  r->certified_task_count = args->vote.task_count;
  return SUCCESS;
}
