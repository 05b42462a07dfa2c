// Wire limits and timings of the execution control protocol (client → worker assignments,
// worker → client reports). Tensors never travel here: they use /splitup/tensor/2.0.0.

/** 2.0.0: assignments name each input's one sender (`sources`); 1.0.0 peers could not be checked. */
export const EXECUTION_PROTOCOL = '/splitup/execution/2.0.0';

/** A control message is a few ids and a routing table: 64 KiB is far above any honest one. */
export const MAX_MESSAGE_BYTES = 64 * 1024;
/** Routes one assignment may carry (outputs × consumers). */
export const MAX_ROUTES = 1024;
/** Multiaddrs per peer reference. */
export const MAX_ADDRS_PER_PEER = 16;
export const MAX_ID_BYTES = 128;
export const MAX_ERROR_MESSAGE_BYTES = 2048;

/** Time to open a control stream and get the peer's verdict. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;
/** Concurrent inbound control streams per connection. */
export const MAX_INBOUND_STREAMS = 32;
export const MAX_OUTBOUND_STREAMS = 32;
