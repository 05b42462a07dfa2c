// Timings and limits of committee discovery (oracles announce DHT provider records under a key
// derived from the network name; any peer lists the providers).

/** Prefix of the string hashed into the committee key; the network name follows it. */
export const COMMITTEE_KEY_PREFIX = '/splitup/committee/1/';

/** Network used when none is configured: a local development network. */
export const DEFAULT_NETWORK = 'splitup-localnet';

/** Network names: lowercase letters, digits, dot, dash, underscore; 1..64 characters. */
export const NETWORK_NAME_PATTERN = /^[a-z0-9._-]{1,64}$/;

/** How often an oracle re-announces itself once an announce has reached at least one peer. */
export const DEFAULT_ANNOUNCE_INTERVAL_MS = 60_000;

/** Retry delay while an announce reaches nobody (no DHT peers yet, e.g. the first oracle). */
export const DEFAULT_ANNOUNCE_RETRY_MS = 2_000;

/** How often a peer re-lists the committee. */
export const DEFAULT_REFRESH_INTERVAL_MS = 30_000;

/** Upper bound on one DHT provide operation. */
export const ANNOUNCE_TIMEOUT_MS = 20_000;

/** Upper bound on one DHT provider lookup. */
export const LOOKUP_TIMEOUT_MS = 10_000;

/** Most committee members collected from one lookup; beyond it a lookup stops early. */
export const MAX_COMMITTEE_MEMBERS = 256;

/** Provider records on DHT servers expire after this many announce intervals without renewal. */
export const RECORD_TTL_ANNOUNCE_INTERVALS = 3;
