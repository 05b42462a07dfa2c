// Timings, sizes and thresholds of the heartbeat protocol. Every number the protocol uses is here.

/** Gossip topic carrying signed heartbeats. */
export const HEARTBEAT_TOPIC = '/splitup/heartbeat/1';

/** Wire format version, the first byte of every encoded heartbeat. */
export const HEARTBEAT_CODEC_VERSION = 2;

/** The seeds: "each node sends cryptographically signed heartbeats every 30 seconds". */
export const DEFAULT_HEARTBEAT_INTERVAL_MS = 30_000;

/** The seeds: "after 3 consecutive missed heartbeats (90 seconds), a node is marked offline". */
export const OFFLINE_AFTER_MISSED_INTERVALS = 3;

/** A node is suspect once its next heartbeat is this many intervals late (one interval plus grace). */
export const SUSPECT_AFTER_MISSED_INTERVALS = 1.5;

/** The liveness tracker re-evaluates deadlines this many times per interval. */
export const LIVENESS_CHECKS_PER_INTERVAL = 10;

/** Lower bound of the liveness check period, so tiny test intervals do not spin the event loop. */
export const MIN_LIVENESS_CHECK_MS = 20;

/** Heartbeats whose timestamp is further than this from our clock are ignored (clock skew window). */
export const DEFAULT_MAX_CLOCK_SKEW_MS = 60_000;

/** Longest task id carried in a heartbeat, in UTF-8 bytes. */
export const MAX_TASK_ID_BYTES = 64;

/** Most task ids one heartbeat may list. */
export const MAX_TASKS_PER_HEARTBEAT = 32;

export const ED25519_PUBLIC_KEY_BYTES = 32;
export const ED25519_SIGNATURE_BYTES = 64;

/**
 * Longest hardware class a heartbeat carries, in UTF-8 bytes: runtime and version, execution
 * provider, device and arch (`onnxruntime-node/1.30.0/cpu/x64/AMD EPYC 7B13`) fit with room.
 */
export const MAX_HARDWARE_CLASS_BYTES = 96;

/**
 * Bytes of the fixed part: version, node key, sequence, timestamp, status, free VRAM, task count,
 * hardware class length.
 */
export const HEARTBEAT_FIXED_BYTES = 1 + ED25519_PUBLIC_KEY_BYTES + 8 + 8 + 1 + 8 + 1 + 1;

/** Largest valid encoded heartbeat (signature included). Anything longer is rejected unparsed. */
export const MAX_HEARTBEAT_BYTES =
  HEARTBEAT_FIXED_BYTES +
  MAX_TASKS_PER_HEARTBEAT * (1 + MAX_TASK_ID_BYTES) +
  MAX_HARDWARE_CLASS_BYTES +
  ED25519_SIGNATURE_BYTES;

/** Domain separation: a heartbeat signature can never be replayed as a signature over anything else. */
export const HEARTBEAT_SIGNING_DOMAIN = 'splitup/heartbeat/1:';
