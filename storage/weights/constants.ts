// Layout and sizes of the weight store. CIDs follow the standard UnixFS profile "unixfs-v1-2025"
// (CIDv1, raw leaves, 1 MiB chunks, 1024 links per node), so any IPFS implementation that adds the
// same bytes with that profile derives the same CID.

/** The UnixFS import profile every publisher uses, so equal bytes give equal CIDs. */
export const UNIXFS_PROFILE = 'unixfs-v1-2025';
/** Leaf size: 1 MiB (the profile's size; under bitswap's 4 MiB message cap). */
export const CHUNK_BYTES = 1024 * 1024;
/** Links per internal DAG node (the profile's width). */
export const MAX_CHILDREN_PER_NODE = 1024;

/** Subfolders of the data dir. */
export const BLOCKS_DIR = 'blocks';
export const DATASTORE_DIR = 'datastore';
/** Exported (assembled) files, named by CID, that onnxruntime reads from disk. */
export const FILES_DIR = 'files';

/** Read size when streaming a file into the importer. */
export const READ_CHUNK_BYTES = 4 * 1024 * 1024;
