// Wire limits and timings of the tensor stream. Every size a peer sends is checked against these
// before anything is allocated for it.

export const TENSOR_STREAM_PROTOCOL = '/splitup/tensor/1.0.0';

/** Header codec version carried in the first header byte. */
export const HEADER_VERSION = 1;
/** Bytes of the big-endian length that precedes each header. */
export const HEADER_LENGTH_BYTES = 2;
/** A header is a few ids, a dtype, a shape and a hash: 1 KiB is far above any honest header. */
export const MAX_HEADER_BYTES = 1024;
export const MAX_EXECUTION_ID_BYTES = 128;
export const MAX_TASK_ID_BYTES = 128;
export const MAX_TENSOR_NAME_BYTES = 255;
/** ONNX tensors in practice stay well under rank 8. */
export const MAX_RANK = 8;
export const SHA256_BYTES = 32;

/** One tensor's payload cap: an activation this large would not fit the VRAM budget anyway. */
export const DEFAULT_MAX_TENSOR_BYTES = 2 * 1024 ** 3;
/** Tensors one stream may carry (a task rarely has more than a handful of inputs). */
export const DEFAULT_MAX_TENSORS_PER_STREAM = 64;
/** Bytes of received tensors held for tasks nobody awaits yet, summed over all executions. */
export const DEFAULT_MAX_INBOX_BYTES = 4 * 1024 ** 3;
/** Payload buffers kept for reuse after consumers hand them back (see buffer-pool.ts). */
export const DEFAULT_MAX_POOLED_BYTES = 512 * 1024 ** 2;
/** Payloads smaller than this are allocated fresh: pooling them saves nothing measurable. */
export const MIN_POOLED_BUFFER_BYTES = 1024 * 1024;
/** A received set nobody claims within this time is dropped (its execution was abandoned). */
export const DEFAULT_UNCLAIMED_TTL_MS = 120_000;
/** A stream that delivers no bytes for this long is aborted. */
export const DEFAULT_STALL_TIMEOUT_MS = 10_000;
/** Time the sender waits for the receiver's verdict after its last byte. */
export const DEFAULT_REPLY_TIMEOUT_MS = 30_000;
/** Time to open a stream to the receiving peer. */
export const DEFAULT_OPEN_TIMEOUT_MS = 10_000;
/** Concurrent inbound tensor streams accepted per connection. */
export const MAX_INBOUND_STREAMS = 64;
export const MAX_OUTBOUND_STREAMS = 64;

/** Payload slice handed to the stream per send(): large writes amortise per-message costs. */
export const SEND_CHUNK_BYTES = 1024 * 1024;

/** Reply byte: the receiver verified and stored every tensor of the stream. */
export const REPLY_OK = 0;
/** Reply byte: the receiver rejected the stream; an ASCII error code follows. */
export const REPLY_REJECTED = 1;
/** Longest error code in a reply. */
export const MAX_REPLY_CODE_BYTES = 64;
