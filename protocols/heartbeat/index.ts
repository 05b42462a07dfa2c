// Heartbeat protocol: signed node heartbeats on the gossip topic /splitup/heartbeat/1, their
// validation, and a liveness tracker (online → suspect → offline) built on them.
//
// Use as a libp2p service next to the `pubsub` (gossipsub) service:
//   createPeer({ privateKey, services: { heartbeat: heartbeat({ intervalMs: 30_000 }) } })
import type { GossipSub, TopicValidatorResult } from '@libp2p/gossipsub';
import type { PeerId, PrivateKey, TypedEventTarget } from '@libp2p/interface';
import type { NodeStatus, SignedHeartbeat } from './codec.js';
import type { HeartbeatError } from './errors.js';
import type { TypedGossipError, ValidationCounter } from './gossip-validator.js';
import { HeartbeatService } from './heartbeat-service.js';
import type { LivenessTracker } from './liveness-tracker.js';
import type { SignatureVerifier } from './signer.js';

export * from './codec.js';
export * from './constants.js';
export * from './errors.js';
export { INTERNAL_VALIDATION_ERROR, type TypedGossipError, wrapGossipValidator } from './gossip-validator.js';
export * from './liveness-tracker.js';
export { createNativeVerifier, nobleVerifier, type SignatureVerifier, signHeartbeat } from './signer.js';
export { type HeartbeatValidationContext, validateHeartbeat } from './validation.js';
export { HeartbeatService };

/** What the node reports about itself in each heartbeat. */
export interface LocalStatus {
  status: NodeStatus;
  freeVramBytes: bigint;
  tasks: string[];
  /** What the tasks run on; workers derive it (node/roles/worker/hardware-class.ts). */
  hardwareClass?: string;
}

/** Counters compatible with prom-client's Counter (all optional). */
export interface HeartbeatMetrics {
  validationResults?: ValidationCounter;
  published: { inc(): void };
}

export interface HeartbeatInit {
  /** Publishing period and the liveness unit; the seeds say 30 s. */
  intervalMs?: number;
  /** Publish our own heartbeats (workers, oracles); false for a pure listener (clients). */
  publish?: boolean;
  /** Run the liveness tracker's timer (default true). */
  trackLiveness?: boolean;
  maxClockSkewMs?: number;
  /** Snapshot of our status, read at every heartbeat. */
  localStatus?: () => LocalStatus;
  verifier?: SignatureVerifier;
  metrics?: HeartbeatMetrics;
  /** Clock (unix ms); injectable for tests. */
  now?: () => number;
}

/** The narrow part of gossipsub the heartbeat needs. */
export type HeartbeatPubSub = Pick<GossipSub, 'subscribe' | 'unsubscribe' | 'publish' | 'topicValidators'>;

export interface HeartbeatComponents {
  peerId: PeerId;
  privateKey: PrivateKey;
  pubsub: HeartbeatPubSub;
}

export interface ReceivedHeartbeat {
  from: PeerId;
  heartbeat: SignedHeartbeat;
}

export interface InvalidHeartbeat {
  error: HeartbeatError | TypedGossipError;
  result: TopicValidatorResult;
  /** The peer that forwarded the message to us (whose score a REJECT lowers). */
  propagationSource: PeerId;
  /** The peer that signed the gossip envelope, when there is one. */
  from: PeerId | undefined;
}

export interface HeartbeatEvents {
  heartbeat: CustomEvent<ReceivedHeartbeat>;
  invalid: CustomEvent<InvalidHeartbeat>;
  published: CustomEvent<SignedHeartbeat>;
  'publish-error': CustomEvent<Error>;
}

export interface Heartbeat extends TypedEventTarget<HeartbeatEvents> {
  readonly liveness: LivenessTracker;
  readonly intervalMs: number;
  publishNow(): Promise<SignedHeartbeat>;
}

export function heartbeat(init: HeartbeatInit = {}): (components: HeartbeatComponents) => Heartbeat {
  return (components) => new HeartbeatService(components, init);
}
