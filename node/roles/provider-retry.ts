// Fetching a bundle by CID right after start: the DHT may not know a provider yet (the bootstrap
// peer has not answered, the deployer has not re-announced). Both a worker and a client retry
// while no provider is known, saying so every few seconds, until a deadline.
import { BlocksErrorCode } from '../../protocols/blocks/index.js';
import { isCodedError } from '../../storage/errors/index.js';

/** How long a starting peer keeps looking for providers of its bundle. */
export const FETCH_DEADLINE_MS = 120_000;
/** Pause between provider look-ups while none is found. */
export const FETCH_RETRY_MS = 1_000;
/** How often a peer that has found no provider yet says so (silence for minutes looks like a hang). */
export const PROVIDER_SEARCH_LOG_MS = 5_000;

export interface ProviderRetryOptions {
  /** What is looked for, for the log line (a CID or folder). */
  bundle: string;
  /** Where the 'still looking' lines go (a warning: the peer is not doing its job yet). */
  warn: (event: string, fields: Record<string, unknown>) => void;
  /** Thrown (with the last failure as cause) when the deadline passes with no provider. */
  onGiveUp: (cause: unknown) => Error;
  signal?: AbortSignal;
  deadlineMs?: number;
  /** Clock; injectable for tests. */
  now?: () => number;
}

/**
 * Runs `fn` until it stops failing with BLOCKS_NO_PROVIDERS or the deadline passes. While it is
 * still looking (until it calls `transferring()`, i.e. a provider answered), a warning goes out
 * every PROVIDER_SEARCH_LOG_MS: one DHT look-up alone can take 30 s.
 */
export async function retryWhileNoProviders<T>(
  fn: (transferring: () => void) => Promise<T>,
  opts: ProviderRetryOptions,
): Promise<T> {
  const now = opts.now ?? Date.now;
  const startedAt = now();
  const deadline = startedAt + (opts.deadlineMs ?? FETCH_DEADLINE_MS);
  let searching = true;
  const timer = setInterval(() => {
    if (!searching) return;
    opts.warn('bundle.looking_for_providers', {
      bundle: opts.bundle,
      waitedS: Math.round((now() - startedAt) / 1000),
      giveUpInS: Math.max(0, Math.round((deadline - now()) / 1000)),
    });
  }, PROVIDER_SEARCH_LOG_MS);
  timer.unref();
  try {
    for (;;) {
      searching = true;
      try {
        return await fn(() => {
          searching = false;
        });
      } catch (err) {
        if (!isCodedError(err, BlocksErrorCode.NO_PROVIDERS) || opts.signal?.aborted) throw err;
        if (now() + FETCH_RETRY_MS > deadline) throw opts.onGiveUp(err);
        await new Promise((r) => setTimeout(r, FETCH_RETRY_MS));
      }
    }
  } finally {
    clearInterval(timer);
  }
}
