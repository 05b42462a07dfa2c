// Named defaults of the libp2p node. Every timing and threshold the factory uses lives here.

/** Our DHT's protocol id: a separate Kademlia network, so peers never join the public IPFS DHT. */
export const DHT_PROTOCOL = '/splitup/kad/1.0.0';

/** Gossipsub mesh maintenance period (not our node heartbeat); the gossipsub default. */
export const GOSSIP_MESH_HEARTBEAT_MS = 1_000;

/** How long a dial to a bootstrap peer may take before it counts as failed. */
export const BOOTSTRAP_DIAL_TIMEOUT_MS = 10_000;

/** First retry delay after a failed bootstrap dial; doubles up to the maximum below. */
export const BOOTSTRAP_RETRY_MIN_MS = 250;

/** Upper bound of the bootstrap retry backoff, so a restarted bootstrap peer is found again quickly. */
export const BOOTSTRAP_RETRY_MAX_MS = 5_000;

/** Default TCP listen address: loopback with an OS-chosen port. Public listening is opt-in. */
export const DEFAULT_LISTEN = '/ip4/127.0.0.1/tcp/0';

/** Connections a peer keeps at most; generous for a committee plus workers on one host. */
export const MAX_CONNECTIONS = 300;
