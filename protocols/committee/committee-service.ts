// Oracles announce themselves as DHT providers of the committee key; every peer lists the
// providers on a timer and emits 'change' when the membership it sees changes.
import { type Startable, TypedEventEmitter } from '@libp2p/interface';
import type { CID } from 'multiformats/cid';
import { committeeKey } from './committee-key.js';
import {
  ANNOUNCE_TIMEOUT_MS,
  DEFAULT_ANNOUNCE_INTERVAL_MS,
  DEFAULT_ANNOUNCE_RETRY_MS,
  DEFAULT_NETWORK,
  DEFAULT_REFRESH_INTERVAL_MS,
  LOOKUP_TIMEOUT_MS,
  MAX_COMMITTEE_MEMBERS,
} from './constants.js';
import { CommitteeError } from './errors.js';
import type {
  Committee,
  CommitteeComponents,
  CommitteeEvents,
  CommitteeInit,
  CommitteeMember,
} from './index.js';

export class CommitteeService extends TypedEventEmitter<CommitteeEvents> implements Committee, Startable {
  readonly network: string;
  private readonly components: CommitteeComponents;
  private readonly init: CommitteeInit;
  private key: CID | undefined;
  private current = new Map<string, CommitteeMember>();
  private running = false;
  private readonly controller = new AbortController();
  private announceTimer: ReturnType<typeof setTimeout> | undefined;
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(components: CommitteeComponents, init: CommitteeInit = {}) {
    super();
    this.components = components;
    this.init = init;
    this.network = init.network ?? DEFAULT_NETWORK;
  }

  readonly [Symbol.toStringTag] = '@splitup/committee';

  get members(): CommitteeMember[] {
    return [...this.current.values()];
  }

  get announcing(): boolean {
    return this.init.announce ?? false;
  }

  async start(): Promise<void> {
    this.key = await committeeKey(this.network);
  }

  afterStart(): void {
    if (this.running) return;
    this.running = true;
    if (this.announcing) this.scheduleAnnounce(0);
    if (this.init.refresh ?? true) this.scheduleRefresh(0);
  }

  beforeStop(): void {
    this.stop();
  }

  stop(): void {
    this.running = false;
    this.controller.abort();
    clearTimeout(this.announceTimer);
    clearTimeout(this.refreshTimer);
  }

  /** Provides the committee key once; resolves with how many DHT peers stored our record. */
  async announce(): Promise<number> {
    const key = this.requireKey();
    let stored = 0;
    const timeoutMs = this.init.announceTimeoutMs ?? ANNOUNCE_TIMEOUT_MS;
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = AbortSignal.any([this.controller.signal, timeout]);
    try {
      // kad-dht holds a query until its routing table has a peer, so no peers means a timeout here.
      for await (const event of this.components.dht.provide(key, { signal })) {
        if (event.name === 'PEER_RESPONSE' && event.messageName === 'ADD_PROVIDER') stored++;
      }
    } catch (err) {
      if (!timeout.aborted || stored > 0) throw err;
    }
    if (stored === 0) {
      throw new CommitteeError(
        'COMMITTEE_ANNOUNCE_UNREACHED',
        `committee announce reached no DHT peer within ${timeoutMs} ms (no peers connected yet?)`,
      );
    }
    this.safeDispatchEvent('announced', { detail: { stored } });
    return stored;
  }

  /** Looks the committee up in the DHT now; updates `members` and emits 'change' on a difference. */
  async refresh(): Promise<CommitteeMember[]> {
    const key = this.requireKey();
    const found = new Map<string, CommitteeMember>();
    if (this.announcing) {
      const self = this.components.peerId.toString();
      found.set(self, { peerId: self, multiaddrs: [] });
    }
    const signal = AbortSignal.any([this.controller.signal, AbortSignal.timeout(LOOKUP_TIMEOUT_MS)]);
    try {
      for await (const event of this.components.dht.findProviders(key, { signal })) {
        if (event.name !== 'PROVIDER') continue;
        for (const provider of event.providers) {
          const id = provider.id.toString();
          const known = found.get(id);
          const addrs = provider.multiaddrs.map(String);
          found.set(id, { peerId: id, multiaddrs: [...new Set([...(known?.multiaddrs ?? []), ...addrs])] });
        }
        if (found.size >= MAX_COMMITTEE_MEMBERS) break;
      }
    } catch (err) {
      // A lookup cut short by its timeout still yields what it found so far.
      if (!signal.aborted) throw err;
    }
    this.update(found);
    return this.members;
  }

  private update(found: Map<string, CommitteeMember>): void {
    const added = [...found.keys()].filter((id) => !this.current.has(id));
    const removed = [...this.current.keys()].filter((id) => !found.has(id));
    this.current = found;
    if (added.length > 0 || removed.length > 0) {
      this.safeDispatchEvent('change', { detail: { members: this.members, added, removed } });
    }
  }

  private requireKey(): CID {
    if (this.key === undefined)
      throw new CommitteeError('COMMITTEE_NOT_RUNNING', 'committee service is not started');
    return this.key;
  }

  private scheduleAnnounce(delayMs: number): void {
    this.announceTimer = setTimeout(() => {
      if (!this.running) return;
      this.announce().then(
        () =>
          this.running && this.scheduleAnnounce(this.init.announceIntervalMs ?? DEFAULT_ANNOUNCE_INTERVAL_MS),
        (err: unknown) => {
          this.safeDispatchEvent('error', { detail: err as Error });
          if (this.running) this.scheduleAnnounce(this.init.announceRetryMs ?? DEFAULT_ANNOUNCE_RETRY_MS);
        },
      );
    }, delayMs);
  }

  private scheduleRefresh(delayMs: number): void {
    this.refreshTimer = setTimeout(() => {
      if (!this.running) return;
      this.refresh()
        .catch((err: unknown) => this.safeDispatchEvent('error', { detail: err as Error }))
        .finally(() => {
          if (this.running) this.scheduleRefresh(this.init.refreshIntervalMs ?? DEFAULT_REFRESH_INTERVAL_MS);
        });
    }, delayMs);
  }
}
