// Limits and timings of the block fetch protocol.
export const BLOCKS_PROTOCOL = '/splitup/blocks/1.0.0';

/** CIDs one request may name. */
export const MAX_CIDS_PER_REQUEST = 256;
/** A binary CIDv1 sha2-256 is 36 bytes; 64 leaves room for any sane codec/hash. */
export const MAX_CID_BYTES = 64;
/** Largest block served or accepted: bitswap's message cap, 4 × the 1 MiB leaves we create. */
export const MAX_BLOCK_BYTES = 4 * 1024 * 1024;

/** Response status per requested CID. */
export const BLOCK_PRESENT = 0;
export const BLOCK_ABSENT = 1;

/** Blocks a provider reads from disk ahead of the one it is sending, per request. */
export const READ_AHEAD_BLOCKS = 4;

/** Requests in flight at once during one DAG fetch (spread over the providers). */
export const DEFAULT_CONCURRENT_REQUESTS = 4;
/** CIDs asked for per request: enough to keep a stream busy, small enough to rebalance. */
export const DEFAULT_BATCH_SIZE = 16;
/** Blocks of one response being written to the store while the next ones are read. */
export const DEFAULT_STORES_IN_FLIGHT = 4;
/** Leaf buffers one fetch keeps for reuse (a few in flight per request, several requests). */
export const MAX_POOLED_LEAF_BYTES = 64 * 1024 * 1024;
/** Children of a DAG node checked for local presence at once. */
export const LINK_CHECK_CONCURRENCY = 64;
/** A stream that delivers nothing for this long is abandoned. */
export const DEFAULT_STALL_TIMEOUT_MS = 10_000;
export const DEFAULT_OPEN_TIMEOUT_MS = 10_000;
/** How long to look for providers over the DHT. */
export const DEFAULT_FIND_PROVIDERS_TIMEOUT_MS = 30_000;
/** Providers to collect from the DHT before starting. */
export const MAX_PROVIDERS = 8;
export const MAX_INBOUND_STREAMS = 32;
export const MAX_OUTBOUND_STREAMS = 64;

/**
 * The direct data channel: a peer that runs one answers this libp2p protocol with the port of a
 * plain TCP socket serving the same requests, and a token naming the asking peer. Blocks need no
 * transport encryption (weights are public, every block is checked against its CID), and a plain
 * socket skips TLS, yamux and the JS duplex between them: the costliest part of a fetch.
 */
export const BLOCKS_DIRECT_PROTOCOL = '/splitup/blocks-direct/1.0.0';
/** First bytes on a direct socket, before the token: tells a stray client from a fetcher. */
export const DIRECT_MAGIC = new TextEncoder().encode('SPLTBLK1');
export const DIRECT_TOKEN_BYTES = 16;
/** The query: one version byte. The provider answers only after it, as every stream here does. */
export const DIRECT_QUERY = Uint8Array.of(1);
/** Reply to the query: u16 port (0: no direct channel) + token. */
export const DIRECT_REPLY_BYTES = 2 + DIRECT_TOKEN_BYTES;
/** How long a token is honoured; a fetcher asks again after half of it. */
export const DIRECT_TOKEN_TTL_MS = 10 * 60_000;
/** After a direct dial failed, the fetcher uses libp2p streams to that provider for this long. */
export const DIRECT_RETRY_AFTER_MS = 60_000;
/** Concurrent direct sockets a provider serves. */
export const MAX_DIRECT_CONNECTIONS = 64;
