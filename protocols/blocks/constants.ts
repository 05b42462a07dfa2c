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
