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

/** Solana's base fee; litesvm charges the same per signature. */
export const LAMPORTS_PER_SIGNATURE = 5000;

/** Transactions kept for getTransaction / getSignatureStatuses before the oldest are dropped. */
export const MAX_HISTORY = 100_000;

/** The faucet behind requestAirdrop: 1M SOL keeps every balance below 2^53 (exact in JSON). */
export const FAUCET_LAMPORTS = 1_000_000n * 1_000_000_000n;

/** Largest single airdrop, as on solana-test-validator's faucet scale (1000 SOL). */
export const MAX_AIRDROP_LAMPORTS = 1000n * 1_000_000_000n;

/** Largest HTTP request body accepted; a transaction is ≤ 1232 bytes, so this is generous. */
export const MAX_REQUEST_BYTES = 1024 * 1024;

/** Same limit as Solana's getMultipleAccounts and getSignatureStatuses. */
export const MAX_MULTIPLE_ACCOUNTS = 100;
export const MAX_SIGNATURE_STATUSES = 256;

/** Solana's cap for base58 account data in responses. */
export const MAX_BASE58_DATA_BYTES = 128;

/** Largest number of entries returned by getSignaturesForAddress. */
export const MAX_SIGNATURES_FOR_ADDRESS = 1000;

/** Largest JSON-RPC batch accepted in one HTTP request. */
export const MAX_BATCH_LENGTH = 1000;

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
