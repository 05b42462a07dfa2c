// Topics, protocol id, timing and bounds of the liveness rounds.

export const OBSERVATION_TOPIC = '/splitup/liveness/observation/1';
export const VOTE_TOPIC = '/splitup/liveness/vote/1';
/** Request: a 32-byte heartbeat digest. Response: the signed heartbeat, or nothing. */
export const HEARTBEAT_FETCH_PROTOCOL = '/splitup/liveness/heartbeat/1';

/**
 * Phases of round r, which runs over [r·I, (r+1)·I) of the unix clock (I = the heartbeat
 * interval): observe once the window's last heartbeats had a quarter interval to spread, fetch
 * what is missing, vote, and accept votes until the round ends.
 */
export const OBSERVE_AT = 0.25;
export const FETCH_AT = 0.45;
export const VOTE_AT = 0.6;
/** The window of round r is [(r−2)·I, r·I): two intervals, so one late heartbeat per node still falls in. */
export const WINDOW_INTERVALS = 2;
/** The driver checks its phase this many times per interval. */
export const TICKS_PER_INTERVAL = 40;
/** Rounds kept besides the current one (late votes of the previous round still count). */
export const ROUNDS_KEPT = 2;
export const FETCH_TIMEOUT_MS = 5_000;
/** Concurrent inbound fetch streams per connection: a committee member fetches a few at a time. */
export const MAX_FETCH_STREAMS = 8;

/** Domain of the network id: sha256 of it and the network name names the network in every vote. */
export const NETWORK_ID_DOMAIN = 'splitup/network/1';
