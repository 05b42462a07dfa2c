// Timings, limits and defaults of the local ledger. Named so every magic number has a reason.

/** solana-test-validator's RPC port; web3.js derives the websocket port as this + 1. */
export const DEFAULT_RPC_PORT = 8899;
export const DEFAULT_RPC_HOST = '127.0.0.1';

/** A slot lasts ~400 ms on Solana; the ledger ticks at the same pace so client timeouts behave alike. */
export const SLOT_INTERVAL_MS = 400;

/**
 * How many slots a blockhash stays valid. Solana uses 150 (MAX_PROCESSING_AGE) at ~400 ms a slot.
 * This ledger also advances a slot per landed transaction, so a burst of transactions would expire
 * hashes that other peers are still signing with; 1000 slots lets hundreds land in between while a
 * hash still expires within minutes at idle. Replays stay impossible: history (MAX_HISTORY) spans
 * far more than one window of transactions.
 */
export const BLOCKHASH_VALID_SLOTS = 1000;

/**
 * How long a transaction accepted over RPC waits before it lands (in a slot of its own). A
 * validator answers sendTransaction first and processes the transaction later (the next slot, a
 * few hundred ms); a client that subscribes right after the answer must still get the
 * notification. 100 ms is many loopback round trips (a reply, then a websocket subscribe, take
 * ~1 ms) yet a quarter of a slot, so confirmation stays quick.
 */
export const TRANSACTION_LANDING_DELAY_MS = 100;

/** Solana's base fee; litesvm charges the same per signature. */
export const LAMPORTS_PER_SIGNATURE = 5000;

/** Transactions kept for getTransaction / getSignatureStatuses before the oldest are dropped. */
export const MAX_HISTORY = 100_000;

/** The faucet behind requestAirdrop: 1M SOL keeps every balance below 2^53 (exact in JSON). */
export const FAUCET_LAMPORTS = 1_000_000n * 1_000_000_000n;

/** Largest single airdrop, as on solana-test-validator's faucet scale (1000 SOL). */
export const MAX_AIRDROP_LAMPORTS = 1000n * 1_000_000_000n;

/** Same limit as Solana's getMultipleAccounts and getSignatureStatuses. */
export const MAX_MULTIPLE_ACCOUNTS = 100;
export const MAX_SIGNATURE_STATUSES = 256;

/** Solana's cap for base58 account data in responses. */
export const MAX_BASE58_DATA_BYTES = 128;

/** Largest number of entries returned by getSignaturesForAddress. */
export const MAX_SIGNATURES_FOR_ADDRESS = 1000;

/**
 * Blocks kept for getBlock / getBlocks / getBlockTime: ~11 hours of idle 400 ms slots in ~20 MB
 * (a block keeps its signatures; the transactions themselves live in history, MAX_HISTORY).
 */
export const MAX_BLOCKS_KEPT = 100_000;

/** The validator's caps on getBlocks' slot range and getBlocksWithLimit's limit (MAX_GET_CONFIRMED_BLOCKS_RANGE). */
export const MAX_BLOCKS_RANGE = 500_000;

/** The validator's cap on getSlotLeaders' limit (MAX_GET_SLOT_LEADERS). */
export const MAX_SLOT_LEADERS = 5000;

/** The validator samples performance once a minute and keeps 720 samples (12 hours). */
export const PERFORMANCE_SAMPLE_PERIOD_SECS = 60;
export const MAX_PERFORMANCE_SAMPLES = 720;

/** Accounts getLargestAccounts returns, as the validator does. */
export const LARGEST_ACCOUNTS_COUNT = 20;

/**
 * Addresses the ledger remembers having written (the faucet, every account a transaction wrote):
 * getSupply and getLargestAccounts sum and rank these, since litesvm cannot list all accounts.
 * Past the cap the oldest are forgotten; 100,000 balances are read in ~50 ms.
 */
export const MAX_TRACKED_ACCOUNTS = 100_000;

/** Slots per epoch reported by getEpochInfo (Solana mainnet's value). */
export const SLOTS_PER_EPOCH = 432_000;

/** Reported as solana-core; litesvm 1.5 embeds an Agave 3.x runtime. */
export const REPORTED_SOLANA_CORE_VERSION = '3.0.0';

/** u64::MAX, which Solana reports as rentEpoch of rent-exempt accounts. */
export const RENT_EPOCH_EXEMPT = 18446744073709551615n;

/** How long shutdown waits for open HTTP connections before closing them. */
export const SHUTDOWN_GRACE_MS = 2000;

/** Idle keep-alive sockets are kept this long, well past clients' own idle timeouts. */
export const KEEP_ALIVE_TIMEOUT_MS = 65_000;

/**
 * How many random (p, p + 1) pairs --port 0 tries: another process takes p + 1 only rarely, so a
 * handful of tries finds a pair unless the machine is nearly out of ports.
 */
export const FREE_PORT_PAIR_ATTEMPTS = 20;

// ---- Security bounds -------------------------------------------------------------------------
// What one stranger on the RPC or websocket port may make the ledger hold or compute. Text is
// capped before it is decoded (base58 decoding is quadratic in the text length: 100,000 chars held
// the event loop ~5 s), so every cap below is a length check that costs nothing.

/** base58 digits (log 58 of 256 ≈ 1.366 per byte; a leading zero byte is one '1') of n bytes. */
export function base58CharsFor(bytes: number): number {
  return Math.ceil((bytes * Math.log(256)) / Math.log(58));
}

/** base64 characters (padded) of n bytes. */
export function base64CharsFor(bytes: number): number {
  return 4 * Math.ceil(bytes / 3);
}

/** Solana's packet size (PACKET_DATA_SIZE): no transaction or message on the wire is larger. */
export const MAX_TRANSACTION_BYTES = 1232;
/** A public key is 32 bytes: at most 44 base58 characters. */
export const PUBKEY_BYTES = 32;
/** A signature is 64 bytes: at most 88 base58 characters. */
export const SIGNATURE_BYTES = 64;
/** The validator's cap on memcmp filter bytes (agave MAX_DATA_SIZE): 175 base58 / 172 base64 chars. */
export const MAX_MEMCMP_BYTES = 128;
/** Filters per getProgramAccounts / programSubscribe, as the validator allows. */
export const MAX_FILTERS = 4;

/**
 * Largest request body (HTTP) or message (websocket): the validator's default
 * (--rpc-max-request-body-size, 50 KiB). A transaction is at most 1,683 base58 characters, so
 * every single request fits many times over; the cap bounds what one request can make us parse.
 */
export const MAX_REQUEST_BYTES = 50 * 1024;

/**
 * Largest JSON-RPC batch. The 50 KiB body holds at most ~1,100 of the smallest requests, so the
 * body cap bounds the work of a batch; this refuses a batch of empty or junk entries early.
 */
export const MAX_BATCH_LENGTH = 1000;

/** Subscriptions one websocket may hold: well past what a client watches, far below a flood. */
export const MAX_SUBSCRIPTIONS_PER_CONNECTION = 1024;

/**
 * Subscriptions across all websockets: every slot (~400 ms) notifies each slot subscription, so
 * this caps the notifications one slot can make at 16,384 (~1.5 MB of JSON).
 */
export const MAX_SUBSCRIPTIONS_TOTAL = 16_384;

/** Open websockets: a development chain serves a few peers and tools, not hundreds. */
export const MAX_WEBSOCKET_CONNECTIONS = 256;

/**
 * Unsent bytes (ws bufferedAmount) a websocket may queue before it is closed: a client that stops
 * reading would otherwise grow the ledger without bound (~25 MB/s with 30,000 subscriptions).
 * 4 MiB is seconds of notifications for a reading client; with the connection cap the ledger
 * holds at most 256 × 4 MiB = 1 GiB of backlog in the worst case.
 */
export const MAX_WEBSOCKET_BACKLOG_BYTES = 4 * 1024 * 1024;
