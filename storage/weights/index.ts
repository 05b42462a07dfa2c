// Task weights over IPFS: an offline Helia store per peer, standard UnixFS CIDs, verified blocks.
export { CHUNK_BYTES, UNIXFS_PROFILE } from './constants.js';
export { WeightStoreError, WeightStoreErrorCode } from './errors.js';
export type { PinFeed } from './pin-feed.js';
export { type PublishProgress, type PublishResult, publishBundle } from './publish.js';
export { type AddOptions, type AddProgress, parseCid, WeightStore } from './store.js';
export { verifyBlock } from './verify-block.js';
