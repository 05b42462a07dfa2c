// One liveness round as one oracle runs it: publish an observation, gather the others', fetch the
// heartbeats it lacks, vote for the table, tally the votes. A heartbeat enters the table only when
// more than f = ⌊(n−1)/3⌋ oracles observed it, so at least one honest oracle did: gossip has then
// brought it to every honest oracle, while one that only Byzantine oracles claim never counts. An
// oracle caught sending two observations in a round stops counting for it.

import { equals } from 'uint8arrays/equals';
import { toString as bytesToString } from 'uint8arrays/to-string';
import type { SignedHeartbeat } from '../../heartbeat/codec.js';
import type { SignatureVerifier } from '../../heartbeat/signer.js';
import { buildLivenessTable, heartbeatDigest, type LivenessTable, latestPerNode } from '../liveness/table.js';
import { ObservationError, ObservationErrorCode } from './errors.js';
import {
  decodeObservation,
  type ObservedHeartbeat,
  type SignedObservation,
  signObservation,
} from './observation.js';
import { type RoundCertificate, RoundTally } from './tally.js';
import { type SignedVote, signVote } from './vote.js';

export interface LivenessRoundInit {
  networkId: Uint8Array;
  round: bigint;
  committee: readonly Uint8Array[];
  verifier: SignatureVerifier;
  /** This oracle's ed25519 seed. */
  seed: Uint8Array;
}

const hex = (b: Uint8Array) => bytesToString(b, 'base16');

/** Oracles that must name a heartbeat before it counts: f + 1. */
export function inclusionThreshold(members: number): number {
  return Math.floor((members - 1) / 3) + 1;
}

export class LivenessRound {
  readonly #init: LivenessRoundInit;
  readonly #members: Set<string>;
  readonly #observations = new Map<string, SignedObservation>();
  readonly #equivocators = new Set<string>();
  readonly #tally: RoundTally;
  #table: LivenessTable | undefined;

  constructor(init: LivenessRoundInit) {
    this.#init = init;
    this.#members = new Set(init.committee.map(hex));
    this.#tally = new RoundTally(init);
  }

  get round(): bigint {
    return this.#init.round;
  }

  /** The table this oracle voted for, once it voted. */
  get table(): LivenessTable | undefined {
    return this.#table;
  }

  /** Signs this oracle's observation of `held` (the latest heartbeat per node in the window). */
  observe(held: Iterable<SignedHeartbeat>): SignedObservation {
    const entries = [...latestPerNode(held).values()].map((hb) => ({
      nodeKey: hb.nodeKey,
      sequence: hb.sequence,
      digest: heartbeatDigest(hb),
    }));
    const own = signObservation(
      { networkId: this.#init.networkId, round: this.#init.round, entries },
      this.#init.seed,
    );
    this.addObservation(own.bytes);
    return own;
  }

  /** Checks and records another oracle's observation; throws ObservationError when it does not count. */
  addObservation(bytes: Uint8Array): SignedObservation {
    const obs = decodeObservation(bytes, this.#init.verifier);
    if (!equals(obs.networkId, this.#init.networkId) || obs.round !== this.#init.round)
      throw new ObservationError(
        ObservationErrorCode.INVALID_ROUND,
        `an observation of round ${obs.round} elsewhere`,
      );
    const key = hex(obs.oracleKey);
    if (!this.#members.has(key))
      throw new ObservationError(ObservationErrorCode.UNAUTHORIZED, `oracle ${key} is not in the committee`);
    if (this.#equivocators.has(key))
      throw new ObservationError(ObservationErrorCode.EQUIVOCATION, `oracle ${key} already equivocated`);
    const held = this.#observations.get(key);
    if (held !== undefined) {
      if (equals(held.bytes, obs.bytes))
        throw new ObservationError(ObservationErrorCode.DUPLICATE, `oracle ${key} already sent this`);
      this.#observations.delete(key);
      this.#equivocators.add(key);
      throw new ObservationError(ObservationErrorCode.EQUIVOCATION, `oracle ${key} sent two observations`);
    }
    this.#observations.set(key, obs);
    return obs;
  }

  /** Heartbeats named by enough oracles to count, each with the oracles that named it. */
  #counted(): { entry: ObservedHeartbeat; announcers: Uint8Array[] }[] {
    const byDigest = new Map<string, { entry: ObservedHeartbeat; announcers: Uint8Array[] }>();
    for (const obs of this.#observations.values()) {
      for (const entry of obs.entries) {
        const id = hex(entry.digest);
        const seen = byDigest.get(id) ?? { entry, announcers: [] };
        seen.announcers.push(obs.oracleKey);
        byDigest.set(id, seen);
      }
    }
    const needed = inclusionThreshold(this.#members.size);
    return [...byDigest.values()].filter((c) => c.announcers.length >= needed);
  }

  /** Counted heartbeats missing from `store` (by digest), with whom to fetch each from. */
  wanted(
    store: ReadonlyMap<string, SignedHeartbeat>,
  ): { entry: ObservedHeartbeat; announcers: Uint8Array[] }[] {
    return this.#counted().filter((c) => !store.has(hex(c.entry.digest)));
  }

  /**
   * Builds the table from the counted heartbeats held in `store` (digest hex → heartbeat whose node
   * signature was checked) and signs this oracle's vote for it.
   */
  vote(store: ReadonlyMap<string, SignedHeartbeat>): SignedVote {
    const heartbeats = this.#counted()
      .map((c) => store.get(hex(c.entry.digest)))
      .filter((hb): hb is SignedHeartbeat => hb !== undefined);
    const table = buildLivenessTable(heartbeats);
    this.#table = table;
    const vote = signVote(
      {
        networkId: this.#init.networkId,
        round: this.#init.round,
        tableRoot: table.root,
        taskCount: table.tasks.length,
      },
      this.#init.seed,
    );
    this.#tally.add(vote.bytes);
    return vote;
  }

  addVote(bytes: Uint8Array): SignedVote {
    return this.#tally.add(bytes);
  }

  certificate(): RoundCertificate | undefined {
    return this.#tally.certificate();
  }
}

/** Keeps the heartbeats an oracle holds by digest, as `LivenessRound.vote` reads them. */
export function heartbeatStore(heartbeats: Iterable<SignedHeartbeat>): Map<string, SignedHeartbeat> {
  return new Map([...heartbeats].map((hb) => [hex(heartbeatDigest(hb)), hb]));
}
