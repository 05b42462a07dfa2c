// Runs liveness rounds over gossip for an oracle: keeps the heartbeats it received, and every
// round observes, fetches what the others named and it lacks, votes, and tallies. Observations and
// votes travel on their own topics; a duplicate or an equivocation is accepted for relay (so every
// honest oracle sees the evidence) and recorded, never counted twice.

import { publicKeyFromRaw } from '@libp2p/crypto/keys';
import type { GossipSub, Message } from '@libp2p/gossipsub';
import type { PeerId, PrivateKey, Stream, StreamHandler, StreamHandlerOptions } from '@libp2p/interface';
import { TypedEventEmitter } from '@libp2p/interface';
import { peerIdFromPublicKey } from '@libp2p/peer-id';
import { lpStream } from '@libp2p/utils';
import { toString as bytesToString } from 'uint8arrays/to-string';
import { isCodedError } from '../../../storage/errors/index.js';
import {
  decodeSignedHeartbeat,
  encodePayload,
  encodeSignedHeartbeat,
  type SignedHeartbeat,
  signingBytes,
} from '../../heartbeat/codec.js';
import { MAX_HEARTBEAT_BYTES } from '../../heartbeat/constants.js';
import { wrapGossipValidator } from '../../heartbeat/gossip-validator.js';
import type { ReceivedHeartbeat } from '../../heartbeat/index.js';
import { createNativeVerifier, type SignatureVerifier } from '../../heartbeat/signer.js';
import { heartbeatDigest, type LivenessTable } from '../liveness/table.js';
import {
  FETCH_AT,
  FETCH_TIMEOUT_MS,
  HEARTBEAT_FETCH_PROTOCOL,
  MAX_FETCH_STREAMS,
  OBSERVATION_TOPIC,
  OBSERVE_AT,
  ROUNDS_KEPT,
  TICKS_PER_INTERVAL,
  VOTE_AT,
  VOTE_TOPIC,
  WINDOW_INTERVALS,
} from './constants.js';
import { ObservationError, ObservationErrorCode, VoteError, VoteErrorCode } from './errors.js';
import { LivenessRound } from './liveness-round.js';
import type { RoundCertificate } from './tally.js';

const hex = (b: Uint8Array) => bytesToString(b, 'base16');

export interface CertifiedRound {
  round: bigint;
  certificate: RoundCertificate;
  /** The table this oracle built, when it voted for the certified one. */
  table: LivenessTable | undefined;
}

export interface LivenessRoundsEvents {
  certified: CustomEvent<CertifiedRound>;
  /** A round ended without a certificate: the last certified table stands. */
  uncertified: CustomEvent<{ round: bigint }>;
  invalid: CustomEvent<{ code: string; message: string; from: PeerId }>;
}

/** What the service needs of a libp2p node: gossip, one protocol, and dialling. */
export interface LivenessRoundsNode {
  services: { pubsub: Pick<GossipSub, 'subscribe' | 'unsubscribe' | 'publish' | 'topicValidators'> };
  handle(protocol: string, handler: StreamHandler, options?: StreamHandlerOptions): Promise<void>;
  unhandle(protocol: string): Promise<void>;
  dialProtocol(peer: PeerId, protocol: string, options?: { signal?: AbortSignal }): Promise<Stream>;
}

export interface LivenessRoundsInit {
  /** 32 bytes naming the network: observations and votes never cross networks. */
  networkId: Uint8Array;
  /** The committee's ed25519 keys (this oracle's among them). */
  committee: readonly Uint8Array[];
  /** This oracle's key (its seed signs observations and votes). */
  privateKey: PrivateKey;
  /** The heartbeat interval: one round per interval. */
  intervalMs: number;
  /** Where accepted heartbeats come from (the heartbeat service's 'heartbeat' event). */
  heartbeats: EventTarget;
  verifier?: SignatureVerifier;
  now?: () => number;
}

interface RoundState {
  round: LivenessRound;
  observed: boolean;
  fetched: boolean;
  voted: boolean;
  certified: boolean;
}

export class LivenessRounds extends TypedEventEmitter<LivenessRoundsEvents> {
  readonly #node: LivenessRoundsNode;
  readonly #init: LivenessRoundsInit;
  readonly #verifier: SignatureVerifier;
  readonly #now: () => number;
  readonly #members: Set<string>;
  readonly #seed: Uint8Array;
  /** Heartbeats held, by digest: from gossip and from fetches. */
  readonly #held = new Map<string, SignedHeartbeat>();
  readonly #rounds = new Map<bigint, RoundState>();
  #timer: ReturnType<typeof setInterval> | undefined;
  #last: CertifiedRound | undefined;
  /** The round whose start last pruned old rounds and heartbeats: once a round, not every tick. */
  #prunedAt = -1n;
  readonly #onHeartbeat = (e: Event) => this.hold((e as CustomEvent<ReceivedHeartbeat>).detail.heartbeat);

  constructor(node: LivenessRoundsNode, init: LivenessRoundsInit) {
    super();
    this.#node = node;
    this.#init = init;
    this.#verifier = init.verifier ?? createNativeVerifier();
    this.#now = init.now ?? Date.now;
    this.#members = new Set(init.committee.map(hex));
    this.#seed = init.privateKey.raw.subarray(0, 32);
  }

  /** The latest certified round this oracle saw. */
  get lastCertified(): CertifiedRound | undefined {
    return this.#last;
  }

  async start(): Promise<void> {
    const { pubsub } = this.#node.services;
    const validator = (topic: 'observation' | 'vote') =>
      wrapGossipValidator((message: Message) => this.#receive(topic, message.data), {
        onAccept: () => undefined,
        onInvalid: (error, _result, source) =>
          this.safeDispatchEvent('invalid', {
            detail: { code: error.code, message: error.message, from: source },
          }),
      });
    pubsub.topicValidators.set(OBSERVATION_TOPIC, validator('observation'));
    pubsub.topicValidators.set(VOTE_TOPIC, validator('vote'));
    pubsub.subscribe(OBSERVATION_TOPIC);
    pubsub.subscribe(VOTE_TOPIC);
    await this.#node.handle(
      HEARTBEAT_FETCH_PROTOCOL,
      (stream, connection) => {
        void this.#serveFetch(stream, connection.remotePeer);
      },
      { maxInboundStreams: MAX_FETCH_STREAMS },
    );
    this.#init.heartbeats.addEventListener('heartbeat', this.#onHeartbeat);
    this.#timer = setInterval(() => this.#tick(), Math.max(10, this.#init.intervalMs / TICKS_PER_INTERVAL));
    this.#timer.unref?.();
  }

  async stop(): Promise<void> {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    this.#init.heartbeats.removeEventListener('heartbeat', this.#onHeartbeat);
    const { pubsub } = this.#node.services;
    for (const topic of [OBSERVATION_TOPIC, VOTE_TOPIC]) {
      try {
        pubsub.unsubscribe(topic);
      } catch {
        // pubsub may be stopping already.
      }
      pubsub.topicValidators.delete(topic);
    }
    await this.#node.unhandle(HEARTBEAT_FETCH_PROTOCOL).catch(() => undefined);
  }

  /** Keeps a heartbeat whose node signature the heartbeat validator checked. */
  hold(hb: SignedHeartbeat): void {
    this.#held.set(hex(heartbeatDigest(hb)), hb);
  }

  #state(round: bigint): RoundState | undefined {
    const current = BigInt(Math.floor(this.#now() / this.#init.intervalMs));
    if (round > current + 1n || round < current - BigInt(ROUNDS_KEPT)) return undefined;
    let state = this.#rounds.get(round);
    if (state === undefined) {
      state = {
        round: new LivenessRound({
          networkId: this.#init.networkId,
          round,
          committee: this.#init.committee,
          verifier: this.#verifier,
          seed: this.#seed,
        }),
        observed: false,
        fetched: false,
        voted: false,
        certified: false,
      };
      this.#rounds.set(round, state);
    }
    return state;
  }

  /** Topic validator body: throws the typed error gossip maps to reject/ignore. */
  #receive(topic: 'observation' | 'vote', bytes: Uint8Array): void {
    const refuse = (code: 'MALFORMED' | 'INVALID_ROUND', message: string) =>
      topic === 'vote'
        ? new VoteError(VoteErrorCode[code], message)
        : new ObservationError(ObservationErrorCode[code], message);
    // The round sits at the same offset in both encodings (after the version and the network id).
    if (bytes.length < 41) throw refuse('MALFORMED', `${bytes.length} bytes is too short for a ${topic}`);
    const round = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getBigUint64(33, true);
    const state = this.#state(round);
    if (state === undefined) throw refuse('INVALID_ROUND', `round ${round} is not open here`);
    try {
      if (topic === 'observation') state.round.addObservation(bytes);
      else state.round.addVote(bytes);
    } catch (err) {
      // Evidence of equivocation must reach every honest oracle: relay it; it counts for nothing.
      if (
        isCodedError(err, VoteErrorCode.EQUIVOCATION) ||
        isCodedError(err, ObservationErrorCode.EQUIVOCATION)
      )
        return;
      throw err;
    }
    if (topic === 'vote') this.#checkCertified(round, state);
  }

  #checkCertified(round: bigint, state: RoundState): void {
    if (state.certified) return;
    const certificate = state.round.certificate();
    if (certificate === undefined) return;
    state.certified = true;
    const table =
      state.round.table !== undefined && hex(state.round.table.root) === hex(certificate.tableRoot)
        ? state.round.table
        : undefined;
    const certified = { round, certificate, table };
    if (this.#last === undefined || round > this.#last.round) this.#last = certified;
    this.safeDispatchEvent('certified', { detail: certified });
  }

  #tick(): void {
    const now = this.#now();
    const interval = this.#init.intervalMs;
    const round = BigInt(Math.floor(now / interval));
    const phase = (now % interval) / interval;
    const state = this.#state(round)!;
    if (!state.observed && phase >= OBSERVE_AT) {
      state.observed = true;
      this.#observe(round, state);
    }
    if (!state.fetched && phase >= FETCH_AT) {
      state.fetched = true;
      void this.#fetchMissing(state);
    }
    if (!state.voted && phase >= VOTE_AT) {
      state.voted = true;
      const vote = state.round.vote(this.#held);
      this.#publish(VOTE_TOPIC, vote.bytes);
      this.#checkCertified(round, state);
    }
    if (round !== this.#prunedAt) {
      this.#prunedAt = round;
      this.#prune(round);
    }
  }

  #observe(round: bigint, state: RoundState): void {
    const interval = BigInt(this.#init.intervalMs);
    const from = (round - BigInt(WINDOW_INTERVALS)) * interval;
    const to = round * interval;
    const inWindow = [...this.#held.values()].filter((hb) => hb.timestampMs >= from && hb.timestampMs < to);
    const own = state.round.observe(inWindow);
    this.#publish(OBSERVATION_TOPIC, own.bytes);
  }

  #publish(topic: string, bytes: Uint8Array): void {
    this.#node.services.pubsub.publish(topic, bytes).catch(() => undefined);
  }

  async #fetchMissing(state: RoundState): Promise<void> {
    for (const { entry, announcers } of state.round.wanted(this.#held)) {
      for (const key of announcers) {
        const hb = await this.#fetchFrom(key, entry.digest).catch(() => undefined);
        if (hb !== undefined) {
          this.hold(hb);
          break;
        }
      }
    }
  }

  async #fetchFrom(oracleKey: Uint8Array, digest: Uint8Array): Promise<SignedHeartbeat | undefined> {
    const peer = peerIdFromPublicKey(publicKeyFromRaw(oracleKey));
    const signal = AbortSignal.timeout(FETCH_TIMEOUT_MS);
    const stream = await this.#node.dialProtocol(peer, HEARTBEAT_FETCH_PROTOCOL, { signal });
    const lp = lpStream(stream, { maxDataLength: MAX_HEARTBEAT_BYTES });
    try {
      await lp.write(digest, { signal });
      const bytes = (await lp.read({ signal })).subarray();
      await stream.close({ signal }).catch(() => undefined);
      if (bytes.length === 0) return undefined;
      const { heartbeat, payloadBytes } = decodeSignedHeartbeat(bytes);
      // The node's own signature, and the digest the observation named: nobody forges either.
      if (!this.#verifier.verify(heartbeat.signature, signingBytes(payloadBytes), heartbeat.nodeKey))
        return undefined;
      return hex(heartbeatDigest(heartbeat)) === hex(digest) ? heartbeat : undefined;
    } catch (err) {
      stream.abort(err as Error);
      return undefined;
    }
  }

  /** Answers a committee member's request for a heartbeat by digest; anyone else gets nothing. */
  async #serveFetch(stream: Stream, from: PeerId): Promise<void> {
    const signal = AbortSignal.timeout(FETCH_TIMEOUT_MS);
    const lp = lpStream(stream, { maxDataLength: 32 });
    try {
      const digest = (await lp.read({ signal })).subarray();
      const member = from.publicKey !== undefined && this.#members.has(hex(from.publicKey.raw));
      const hb = member && digest.length === 32 ? this.#held.get(hex(digest)) : undefined;
      await lp.write(
        hb === undefined ? new Uint8Array(0) : encodeSignedHeartbeat(encodePayload(hb), hb.signature),
        {
          signal,
        },
      );
      await stream.close({ signal });
    } catch (err) {
      stream.abort(err as Error);
    }
  }

  #prune(round: bigint): void {
    for (const [r, state] of this.#rounds) {
      if (r >= round - BigInt(ROUNDS_KEPT)) continue;
      if (!state.certified) this.safeDispatchEvent('uncertified', { detail: { round: r } });
      this.#rounds.delete(r);
    }
    const oldest = BigInt(Math.floor(this.#now() - (WINDOW_INTERVALS + ROUNDS_KEPT) * this.#init.intervalMs));
    for (const [digest, hb] of this.#held) if (hb.timestampMs < oldest) this.#held.delete(digest);
  }
}
