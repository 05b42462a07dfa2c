// Named settings of the engine. Determinism-relevant ones are documented in session-options.ts.
import { availableParallelism } from 'node:os';

/** Intra-op threads per session unless the caller fixes another count (results do not depend on it). */
export const DEFAULT_INTRA_OP_THREADS = Math.max(1, availableParallelism());
/** Upper bound a user may ask for; more threads than this only adds contention. */
export const MAX_INTRA_OP_THREADS = 256;
/** How long a worker thread may take to start, import onnxruntime and create its session. */
export const SESSION_LOAD_TIMEOUT_MS = 5 * 60_000;
/** How long dispose waits for the worker to release its session before terminating it. */
export const SESSION_DISPOSE_TIMEOUT_MS = 5_000;
