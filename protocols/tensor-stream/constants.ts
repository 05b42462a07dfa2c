// Wire limits and timings of the tensor stream. Every size a peer sends is checked against these
// before anything is allocated for it.

/** 2.0.0: headers carry a payload route (inline, or on the sender's direct data channel). */
export const TENSOR_STREAM_PROTOCOL = '/splitup/tensor/2.0.0';

/** Header codec version carried in the first header byte. */
export const HEADER_VERSION = 2;
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

/**
 * One tensor's payload cap, for inputs whose declared shape has symbolic dims (a fixed shape caps
 * itself: the header must match it exactly). 1 GiB is 16x a 4096-token x 8192-wide fp16 hidden
 * state, the largest activation between tasks of the models we target; and it must fit in one
 * sender's budget below.
 */
export const DEFAULT_MAX_TENSOR_BYTES = 1024 ** 3;
/** Tensors one stream may carry (a task rarely has more than a handful of inputs). */
export const DEFAULT_MAX_TENSORS_PER_STREAM = 64;
/**
 * Bytes of received tensors held (for tasks still waiting for the rest of their inputs) and
 * reserved (payloads on their way), summed over all senders: 4 GiB, what a consumer GPU box can
 * spare in host memory next to the loaded sessions.
 */
export const DEFAULT_MAX_INBOX_BYTES = 4 * 1024 ** 3;
/**
 * The share of the inbox any one sender may hold or reserve: a quarter, so a peer that assigned
 * itself work (anyone may act as a client) cannot take the inbox from the others, and one
 * largest tensor (DEFAULT_MAX_TENSOR_BYTES) still fits.
 */
export const DEFAULT_MAX_INBOX_BYTES_PER_SENDER = DEFAULT_MAX_INBOX_BYTES / 4;
/** Payload buffers kept for reuse after consumers hand them back (see protocols/common/buffer-pool.ts). */
export const DEFAULT_MAX_POOLED_BYTES = 512 * 1024 ** 2;
/** Payloads smaller than this are allocated fresh: pooling them saves nothing measurable. */
export const MIN_POOLED_BUFFER_BYTES = 1024 * 1024;
/** A stream that delivers no bytes for this long is aborted. */
export const DEFAULT_STALL_TIMEOUT_MS = 10_000;
/**
 * Whole-stream deadline, so a trickle cannot keep a stream (and its reservation) alive by sending
 * a byte before each stall timeout: a stream must end within STREAM_GRACE_MS plus its declared
 * payload bytes at MIN_RECEIVE_BYTES_PER_S. 10 s covers a header round trip and a direct dial on
 * any link; 1 MiB/s (8 Mbit/s) is the slowest link we support between workers, so an honest
 * sender is never cut, while a 2-byte-per-second trickle of a 64 MiB tensor is cut after ~74 s
 * instead of holding its 64 MiB for a year.
 */
export const DEFAULT_STREAM_GRACE_MS = 10_000;
export const DEFAULT_MIN_RECEIVE_BYTES_PER_S = 1024 * 1024;
/** Time the sender waits for the receiver's verdict after its last byte. */
export const DEFAULT_REPLY_TIMEOUT_MS = 30_000;
/** Time to open a stream to the receiving peer. */
export const DEFAULT_OPEN_TIMEOUT_MS = 10_000;
/** Concurrent inbound tensor streams accepted per connection. */
export const MAX_INBOUND_STREAMS = 64;
export const MAX_OUTBOUND_STREAMS = 64;

/** Payload slice handed to the stream per send(): large writes amortise per-message costs. */
export const SEND_CHUNK_BYTES = 1024 * 1024;

/** Route byte of a header: the payload follows the header on this stream. */
export const ROUTE_INLINE = 0;
/** Route byte: the receiver fetches the payload from the sender's direct data channel. */
export const ROUTE_DIRECT = 1;

/**
 * The direct data channel. Payloads of at least DIRECT_MIN_BYTES leave the libp2p stream (TLS or
 * noise, yamux, and the JS duplex between them: most of the cost of a large tensor) for a plain
 * TCP socket the receiver dials to the sender's IP. The header, which carries the payload's
 * sha256, a one-time token and a fresh AES-128-CTR key, still travels on the authenticated,
 * encrypted libp2p stream: the socket carries only ciphertext, and any change to it fails the
 * sha256 the receiver checks, so it gives an attacker nothing the libp2p stream would not.
 */
export const DIRECT_CIPHER = 'aes-128-ctr';
export const DIRECT_KEY_BYTES = 16;
export const DIRECT_IV_BYTES = 16;
export const DIRECT_TOKEN_BYTES = 16;
/** First bytes a receiver sends on a direct socket, before the token. */
export const DIRECT_MAGIC = new TextEncoder().encode('SPLTTNS2');
/** Smaller payloads stay inline: a dial costs more than they take on the libp2p stream. */
export const DIRECT_MIN_BYTES = 1024 * 1024;
/** Time for the receiver's dial and its magic + token to reach the sender. */
export const DIRECT_CONNECT_TIMEOUT_MS = 3_000;
/** After a dial to a sender failed, its payloads come inline for this long. */
export const DIRECT_RETRY_AFTER_MS = 60_000;
/** Bytes the receiver reads per socket read (one reused buffer per payload). */
export const DIRECT_READ_BUFFER_BYTES = 1024 * 1024;
/** Concurrent direct sockets a sender serves. */
export const MAX_DIRECT_CONNECTIONS = 64;
/**
 * While a direct payload moves, the sender waits for the receiver's ack for the reply timeout plus
 * the payload at this slowest rate (bytes per second); the receiver's stall timeout comes first.
 */
export const SLOWEST_DIRECT_BYTES_PER_S = DEFAULT_MIN_RECEIVE_BYTES_PER_S;

/** Ack byte after a direct header: the payload arrived over the direct channel and verified. */
export const ACK_DIRECT_DONE = 2;
/** Ack byte after a direct header: the direct channel failed; send the payload inline now. */
export const ACK_SEND_INLINE = 3;

/** Reply byte: the receiver verified and stored every tensor of the stream. */
export const REPLY_OK = 0;
/** Reply byte: the receiver rejected the stream; an ASCII error code follows. */
export const REPLY_REJECTED = 1;
/** Longest error code in a reply. */
export const MAX_REPLY_CODE_BYTES = 64;
