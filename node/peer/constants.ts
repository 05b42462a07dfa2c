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

// Inbound handshakes. A TCP socket holds a slot from accept until its encryption and muxer are
// negotiated; a socket that sends nothing holds it until the timeout below. libp2p's defaults (10
// slots, 10 s each, no per-address cap) let a few addresses holding silent sockets shut every new
// peer out (issue 15). These bounds are enforced by libp2p (the timeout, the total, the rate) and
// by the handshake gate (node/peer/handshake-gate.ts: per address, and the reserve for known ones).

/**
 * How long an inbound connection may take to finish its handshake (TLS or noise, then yamux)
 * before it is dropped. Measured here: 30–230 ms on loopback with fresh peers; on a WAN it is about
 * four round trips (1.2 s at 300 ms), so 3 s leaves room for one lost packet or a busy event loop,
 * and a silent socket is gone in 3 s instead of libp2p's 10.
 */
export const INBOUND_HANDSHAKE_TIMEOUT_MS = 3_000;

/**
 * Handshakes in progress at once, all addresses together (libp2p's default is 10, Lodestar's 5).
 * A handshake takes tens of ms, so 64 slots admit far more new peers per second than a peer ever
 * needs, while what they hold stays small (a socket and its handshake state each).
 */
export const MAX_PENDING_HANDSHAKES = 64;

/**
 * Slots of the 64 that only addresses with a history may take: the bootstrap list and any address
 * a connection completed with (silent sockets never complete one). Strangers share the other 48,
 * so a flood from strangers cannot lock out the committee, the bootstrap or known neighbours.
 */
export const RESERVED_HANDSHAKES_FOR_KNOWN = 16;

/**
 * Handshakes in progress from one IP address. A host or a NAT may run a few peers that dial us
 * together; more than 4 at once from one address is a flood. With the 48 slots of strangers, a
 * flood needs at least 12 addresses to fill them, and never takes the reserve.
 */
export const MAX_PENDING_HANDSHAKES_PER_IP = 4;

/**
 * New inbound connections accepted per second from one IP address (libp2p's default, kept and
 * named): a peer opens one connection to us and re-dials with a backoff; a burst above this is
 * refused before it costs a handshake, and a legitimate peer caught in it retries.
 */
export const INBOUND_CONNECTIONS_PER_IP_PER_S = 5;

/**
 * The per-address caps count an IPv6 peer by its /64: one subscriber gets a /64 or more and may use
 * any address in it, so counting single IPv6 addresses would cap nothing.
 */
export const IPV6_PREFIX_BITS = 64;

/** Addresses with a history remembered at most; the oldest is forgotten first (about 100 B each). */
export const MAX_KNOWN_IPS = 4_096;
