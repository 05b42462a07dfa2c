// Liveness of the nodes whose heartbeats we accept: online on every heartbeat, suspect once a
// heartbeat is overdue, offline after OFFLINE_AFTER_MISSED_INTERVALS missed intervals.
// Other parts subscribe to 'status-change' (and 'heartbeat') events.
import { TypedEventEmitter } from '@libp2p/interface';
import type { SignedHeartbeat } from './codec.js';
import {
  LIVENESS_CHECKS_PER_INTERVAL,
  MIN_LIVENESS_CHECK_MS,
  OFFLINE_AFTER_MISSED_INTERVALS,
  SUSPECT_AFTER_MISSED_INTERVALS,
} from './constants.js';

export type LivenessStatus = 'online' | 'suspect' | 'offline';

export interface NodeLiveness {
  peerId: string;
  status: LivenessStatus;
  /** Our clock when the last heartbeat was accepted. */
  lastSeenMs: number;
  lastHeartbeat: SignedHeartbeat;
}

export interface StatusChange {
  peerId: string;
  previous: LivenessStatus | undefined;
  status: LivenessStatus;
  node: NodeLiveness;
}

export interface LivenessEvents {
  'status-change': CustomEvent<StatusChange>;
  heartbeat: CustomEvent<NodeLiveness>;
}

export interface LivenessTrackerInit {
  intervalMs: number;
  now?: () => number;
}

export class LivenessTracker extends TypedEventEmitter<LivenessEvents> {
  readonly intervalMs: number;
  private readonly now: () => number;
  private readonly nodes = new Map<string, NodeLiveness>();
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(init: LivenessTrackerInit) {
    super();
    this.intervalMs = init.intervalMs;
    this.now = init.now ?? Date.now;
  }

  start(): void {
    if (this.timer !== undefined) return;
    const period = Math.max(
      MIN_LIVENESS_CHECK_MS,
      Math.floor(this.intervalMs / LIVENESS_CHECKS_PER_INTERVAL),
    );
    this.timer = setInterval(() => this.check(), period);
    this.timer.unref?.();
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** An accepted heartbeat: the node is online as of now. */
  record(peerId: string, heartbeat: SignedHeartbeat): void {
    const existing = this.nodes.get(peerId);
    const node: NodeLiveness = { peerId, status: 'online', lastSeenMs: this.now(), lastHeartbeat: heartbeat };
    this.nodes.set(peerId, node);
    this.safeDispatchEvent('heartbeat', { detail: node });
    if (existing?.status !== 'online') this.emitChange(node, existing?.status);
  }

  /** Re-evaluates every node's status against its deadlines (runs on a timer; callable directly). */
  check(nowMs = this.now()): void {
    for (const node of this.nodes.values()) {
      const status = this.statusAt(node.lastSeenMs, nowMs);
      if (status !== node.status) {
        const previous = node.status;
        node.status = status;
        this.emitChange(node, previous);
      }
    }
  }

  statusAt(lastSeenMs: number, nowMs: number): LivenessStatus {
    const missed = (nowMs - lastSeenMs) / this.intervalMs;
    if (missed >= OFFLINE_AFTER_MISSED_INTERVALS) return 'offline';
    if (missed >= SUSPECT_AFTER_MISSED_INTERVALS) return 'suspect';
    return 'online';
  }

  get(peerId: string): NodeLiveness | undefined {
    return this.nodes.get(peerId);
  }

  list(status?: LivenessStatus): NodeLiveness[] {
    return [...this.nodes.values()].filter((n) => status === undefined || n.status === status);
  }

  private emitChange(node: NodeLiveness, previous: LivenessStatus | undefined): void {
    this.safeDispatchEvent('status-change', {
      detail: { peerId: node.peerId, previous, status: node.status, node: { ...node } },
    });
  }
}
