// What a role is to the one peer runtime (node/peer/peer-runtime.ts): which shared services it
// switches on, what it answers on the tensor and execution protocols, what it says in heartbeats,
// and its own start and stop. Every role (worker, client, oracle) is built by the same runtime, so
// `splitup infer` runs the very peer that `node start --role client` runs.
import type { PeerId } from '@libp2p/interface';
import type { AssignMessage, ReportMessage } from '../../protocols/execution/index.js';
import type { LocalStatus } from '../../protocols/heartbeat/index.js';
import type { WeightStore } from '../../storage/weights/index.js';
import type { Identity } from '../identity/identity.js';
import type { NodeConfig, Role } from '../peer/config.js';
import type { SplitUpPeer } from '../peer/create-peer.js';
import type { Logger } from '../peer/logger.js';
import type { RoleServices } from '../peer/role-services.js';

export type RolePeer = SplitUpPeer<RoleServices>;

/** What a role's start() may use: the running node and the peer's store, config and log. */
export interface RoleContext {
  node: RolePeer;
  /** This peer's key: its PeerId, its Solana address, and what an oracle signs votes with. */
  identity: Identity;
  store: WeightStore;
  config: NodeConfig;
  logger: Logger;
  /** Aborted when the peer stops (a start still fetching gives up). */
  signal: AbortSignal;
}

export interface PeerRole {
  readonly name: Role;
  /** Publishes its own signed heartbeats (workers, oracles; a client only listens). */
  readonly publishesHeartbeats: boolean;
  /** Tracks every node's liveness from heartbeats (oracles). */
  readonly tracksLiveness: boolean;
  /** Announces itself as a committee member on the DHT (oracles). */
  readonly announcesCommittee: boolean;
  /** Handles an assignment (workers); absent: the execution protocol answers UNSUPPORTED. */
  readonly onAssign?: (msg: AssignMessage, from: PeerId) => void;
  /** Handles a worker's report (clients). */
  readonly onReport?: (msg: ReportMessage, from: PeerId) => void;
  /** What the next heartbeat says about this node. */
  localStatus(): LocalStatus;
  /** Called once, right after the libp2p node is built. */
  attach(node: RolePeer): void;
  /** After the peer is online and dialling its bootstrap peers (a worker loads its tasks here). */
  start(ctx: RoleContext): Promise<void>;
  /** Stops what start() began; the runtime stops the node after it. Idempotent. */
  stop(): Promise<void>;
}
