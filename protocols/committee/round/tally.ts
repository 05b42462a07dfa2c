// Counts one round's votes. A table is certified by ⌈2n/3⌉ distinct committee members voting for
// the same (root, task count): two certified tables in one round would need more than
// ⌊(n−1)/3⌋ oracles voting twice, and a second, different vote of one oracle removes both of its
// votes from the count (they stay as evidence).

import { equals } from 'uint8arrays/equals';
import { toString as bytesToString } from 'uint8arrays/to-string';
import type { SignatureVerifier } from '../../heartbeat/signer.js';
import { VoteError, VoteErrorCode } from './errors.js';
import { decodeVote, type SignedVote } from './vote.js';

export interface RoundCertificate {
  networkId: Uint8Array;
  round: bigint;
  tableRoot: Uint8Array;
  taskCount: number;
  /** The votes that certify it, one per distinct member, in committee order. */
  votes: SignedVote[];
}

export interface Equivocation {
  oracleKey: Uint8Array;
  votes: [SignedVote, SignedVote];
}

const hex = (b: Uint8Array) => bytesToString(b, 'base16');
const tableOf = (v: SignedVote) => `${hex(v.tableRoot)}/${v.taskCount}`;

/** Votes needed among `members` oracles: ⌈2n/3⌉. */
export function certificateThreshold(members: number): number {
  return Math.ceil((2 * members) / 3);
}

export interface RoundTallyInit {
  networkId: Uint8Array;
  round: bigint;
  /** The committee's ed25519 keys; order fixes the certificate's vote order. */
  committee: readonly Uint8Array[];
  verifier: SignatureVerifier;
}

export class RoundTally {
  readonly #init: RoundTallyInit;
  readonly #members: Map<string, number>;
  /** Per member, its one counted vote. */
  readonly #votes = new Map<string, SignedVote>();
  readonly #equivocations = new Map<string, Equivocation>();

  constructor(init: RoundTallyInit) {
    this.#init = init;
    this.#members = new Map(init.committee.map((k, i) => [hex(k), i]));
  }

  get threshold(): number {
    return certificateThreshold(this.#members.size);
  }

  get equivocations(): Equivocation[] {
    return [...this.#equivocations.values()];
  }

  /** Checks and counts one vote's wire bytes; throws the VoteError that says why it does not count. */
  add(bytes: Uint8Array): SignedVote {
    const vote = decodeVote(bytes, this.#init.verifier);
    if (!equals(vote.networkId, this.#init.networkId) || vote.round !== this.#init.round)
      throw new VoteError(
        VoteErrorCode.INVALID_ROUND,
        `a vote for round ${vote.round} of another network or round (tallying ${this.#init.round})`,
      );
    const key = hex(vote.oracleKey);
    if (!this.#members.has(key))
      throw new VoteError(VoteErrorCode.UNAUTHORIZED, `oracle ${key} is not in the committee`);
    if (this.#equivocations.has(key))
      throw new VoteError(VoteErrorCode.EQUIVOCATION, `oracle ${key} already voted twice in this round`);
    const held = this.#votes.get(key);
    if (held !== undefined) {
      if (equals(held.bytes, vote.bytes))
        throw new VoteError(VoteErrorCode.DUPLICATE, `oracle ${key} already voted this`);
      this.#votes.delete(key);
      this.#equivocations.set(key, { oracleKey: vote.oracleKey, votes: [held, vote] });
      throw new VoteError(
        VoteErrorCode.EQUIVOCATION,
        `oracle ${key} voted for two tables in round ${vote.round}`,
      );
    }
    this.#votes.set(key, vote);
    return vote;
  }

  /** The certificate once a table has the threshold of counted votes. */
  certificate(): RoundCertificate | undefined {
    const byTable = new Map<string, SignedVote[]>();
    for (const v of this.#votes.values()) byTable.set(tableOf(v), [...(byTable.get(tableOf(v)) ?? []), v]);
    for (const votes of byTable.values()) {
      if (votes.length < this.threshold) continue;
      const first = votes[0]!;
      votes.sort((a, b) => this.#members.get(hex(a.oracleKey))! - this.#members.get(hex(b.oracleKey))!);
      return {
        networkId: first.networkId,
        round: first.round,
        tableRoot: first.tableRoot,
        taskCount: first.taskCount,
        votes,
      };
    }
    return undefined;
  }
}

/** Checks a certificate anyone hands us against the committee; throws VoteError when it fails. */
export function verifyCertificate(
  cert: {
    networkId: Uint8Array;
    round: bigint;
    tableRoot: Uint8Array;
    taskCount: number;
    votes: Uint8Array[];
  },
  committee: readonly Uint8Array[],
  verifier: SignatureVerifier,
): RoundCertificate {
  const tally = new RoundTally({ networkId: cert.networkId, round: cert.round, committee, verifier });
  for (const bytes of cert.votes) tally.add(bytes);
  const got = tally.certificate();
  if (got === undefined || !equals(got.tableRoot, cert.tableRoot) || got.taskCount !== cert.taskCount)
    throw new VoteError(
      VoteErrorCode.INSUFFICIENT_QUORUM,
      `fewer than ${tally.threshold} of ${committee.length} members voted for this table`,
    );
  return got;
}
