// Committee discovery: oracles announce DHT provider records under a CID derived from the network
// name; any peer lists the current committee, refreshed on a timer.
//
// Use as a libp2p service next to the `dht` (kad-dht) service:
//   createPeer({ privateKey, services: { committee: committee({ network, announce: true }) } })
import type { PeerId, TypedEventTarget } from '@libp2p/interface';
import type { KadDHT } from '@libp2p/kad-dht';
import { CommitteeService } from './committee-service.js';

export * from './committee-key.js';
export * from './constants.js';
export * from './errors.js';
export { CommitteeService };

export interface CommitteeMember {
  peerId: string;
  /** Addresses the provider record carried (may be empty for ourselves). */
  multiaddrs: string[];
}

export interface CommitteeInit {
  /** Network name the committee key is derived from. */
  network?: string;
  /** Announce ourselves as a committee member (oracles). */
  announce?: boolean;
  announceIntervalMs?: number;
  announceRetryMs?: number;
  /** Upper bound on one announce (DHT provide). */
  announceTimeoutMs?: number;
  /** List the committee on a timer (default true). */
  refresh?: boolean;
  refreshIntervalMs?: number;
}

export interface CommitteeComponents {
  peerId: PeerId;
  dht: Pick<KadDHT, 'provide' | 'findProviders'>;
}

export interface CommitteeChange {
  members: CommitteeMember[];
  added: string[];
  removed: string[];
}

export interface CommitteeEvents {
  change: CustomEvent<CommitteeChange>;
  announced: CustomEvent<{ stored: number }>;
  error: CustomEvent<Error>;
}

export interface Committee extends TypedEventTarget<CommitteeEvents> {
  readonly network: string;
  readonly members: CommitteeMember[];
  announce(): Promise<number>;
  refresh(): Promise<CommitteeMember[]>;
}

export function committee(init: CommitteeInit = {}): (components: CommitteeComponents) => Committee {
  return (components) => new CommitteeService(components, init);
}
