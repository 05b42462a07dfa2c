// Publishes this node's signed heartbeat every interval on the heartbeat topic, validates the
// heartbeats of others (topic validator) and feeds the accepted ones to the liveness tracker.
import type { Message } from '@libp2p/gossipsub';
import { type PeerId, type Startable, TypedEventEmitter } from '@libp2p/interface';
import type { SignedHeartbeat } from './codec.js';
import { DEFAULT_HEARTBEAT_INTERVAL_MS, DEFAULT_MAX_CLOCK_SKEW_MS, HEARTBEAT_TOPIC } from './constants.js';
import type { HeartbeatError } from './errors.js';
import { type TypedGossipError, wrapGossipValidator } from './gossip-validator.js';
import type { Heartbeat, HeartbeatComponents, HeartbeatEvents, HeartbeatInit, LocalStatus } from './index.js';
import { LivenessTracker } from './liveness-tracker.js';
import { createNativeVerifier, type SignatureVerifier, signHeartbeat } from './signer.js';
import { validateHeartbeat } from './validation.js';

const ED25519_SEED_BYTES = 32;

const DEFAULT_LOCAL_STATUS: LocalStatus = { status: 'ready', freeVramBytes: 0n, tasks: [] };

export class HeartbeatService extends TypedEventEmitter<HeartbeatEvents> implements Heartbeat, Startable {
  readonly liveness: LivenessTracker;
  readonly intervalMs: number;
  private readonly components: HeartbeatComponents;
  private readonly init: HeartbeatInit;
  private readonly verifier: SignatureVerifier;
  private readonly now: () => number;
  private readonly lastSequence = new Map<string, bigint>();
  private nextSequence: bigint;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private running = false;

  constructor(components: HeartbeatComponents, init: HeartbeatInit = {}) {
    super();
    this.components = components;
    this.init = init;
    this.intervalMs = init.intervalMs ?? DEFAULT_HEARTBEAT_INTERVAL_MS;
    this.verifier = init.verifier ?? createNativeVerifier();
    this.now = init.now ?? Date.now;
    this.liveness = new LivenessTracker({ intervalMs: this.intervalMs, now: this.now });
    // Sequence numbers start at the boot time in ms, so they keep increasing across restarts
    // (one heartbeat per interval never catches up with the clock).
    this.nextSequence = BigInt(this.now());
  }

  readonly [Symbol.toStringTag] = '@splitup/heartbeat';

  get publishing(): boolean {
    return this.init.publish ?? true;
  }

  start(): void {}

  /** After libp2p started: pubsub is up, so subscribe and begin publishing. */
  afterStart(): void {
    if (this.running) return;
    this.running = true;
    const { pubsub } = this.components;
    pubsub.topicValidators.set(
      HEARTBEAT_TOPIC,
      wrapGossipValidator((message) => this.validate(message), {
        onAccept: (heartbeat, _source, message) => this.accept(heartbeat, message),
        onInvalid: (error, result, source, message) =>
          this.safeDispatchEvent('invalid', {
            detail: {
              error: error as HeartbeatError | TypedGossipError,
              result,
              propagationSource: source,
              from: message.type === 'signed' ? message.from : undefined,
            },
          }),
        counter: this.init.metrics?.validationResults,
      }),
    );
    pubsub.subscribe(HEARTBEAT_TOPIC);
    if (this.init.trackLiveness ?? true) this.liveness.start();
    if (this.publishing) this.schedule(0);
  }

  beforeStop(): void {
    this.stop();
  }

  stop(): void {
    if (!this.running) return;
    this.running = false;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.liveness.stop();
    const { pubsub } = this.components;
    try {
      pubsub.unsubscribe(HEARTBEAT_TOPIC);
    } catch {
      // pubsub may already be stopping; nothing to undo then.
    }
    pubsub.topicValidators.delete(HEARTBEAT_TOPIC);
  }

  /** Signs and publishes one heartbeat now; returns it. */
  async publishNow(): Promise<SignedHeartbeat> {
    const { privateKey } = this.components;
    const local = this.init.localStatus?.() ?? DEFAULT_LOCAL_STATUS;
    const payload = {
      nodeKey: privateKey.publicKey.raw,
      sequence: this.nextSequence++,
      timestampMs: BigInt(this.now()),
      status: local.status,
      freeVramBytes: local.freeVramBytes,
      tasks: local.tasks,
      ...(local.hardwareClass === undefined ? {} : { hardwareClass: local.hardwareClass }),
    };
    const wire = signHeartbeat(payload, privateKey.raw.subarray(0, ED25519_SEED_BYTES));
    await this.components.pubsub.publish(HEARTBEAT_TOPIC, wire);
    this.init.metrics?.published.inc();
    const heartbeat = { ...payload, signature: wire.subarray(wire.length - 64) };
    this.safeDispatchEvent('published', { detail: heartbeat });
    return heartbeat;
  }

  private schedule(delayMs: number): void {
    this.timer = setTimeout(() => {
      if (!this.running) return;
      const startedAt = this.now();
      this.publishNow()
        .catch((err: unknown) => this.safeDispatchEvent('publish-error', { detail: err as Error }))
        .finally(() => {
          // A fixed cadence: time spent publishing comes off the wait. Waiting a full interval
          // after a slow publish stretched the period, and peers then saw us miss intervals.
          const elapsed = this.now() - startedAt;
          if (this.running) this.schedule(Math.min(this.intervalMs, Math.max(0, this.intervalMs - elapsed)));
        });
    }, delayMs);
  }

  private validate(message: Message): SignedHeartbeat {
    const senderKey = message.type === 'signed' ? message.key.raw : undefined;
    const sender = message.type === 'signed' ? message.from.toString() : undefined;
    return validateHeartbeat(message.data, {
      senderKey,
      nowMs: this.now(),
      maxClockSkewMs: this.init.maxClockSkewMs ?? DEFAULT_MAX_CLOCK_SKEW_MS,
      lastSequence: sender === undefined ? undefined : this.lastSequence.get(sender),
      verifier: this.verifier,
    });
  }

  private accept(heartbeat: SignedHeartbeat, message: Message): void {
    if (message.type !== 'signed') return;
    const from: PeerId = message.from;
    const peerId = from.toString();
    this.lastSequence.set(peerId, heartbeat.sequence);
    this.liveness.record(peerId, heartbeat);
    this.safeDispatchEvent('heartbeat', { detail: { from, heartbeat } });
  }
}
