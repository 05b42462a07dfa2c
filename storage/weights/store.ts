// The weight store: an offline Helia node (no routers, no block brokers, no network) over a
// filesystem blockstore and datastore in the peer's data dir. It adds files as standard UnixFS
// DAGs, stores verified blocks fetched by other means, pins DAGs and assembles files for the
// runtime to read from disk.
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createHeliaLight, type Helia } from 'helia';
import { exporter } from 'ipfs-unixfs-exporter';
import { importer } from 'ipfs-unixfs-importer';
import { fixedSize } from 'ipfs-unixfs-importer/chunker';
import { balanced } from 'ipfs-unixfs-importer/layout';
import { CID } from 'multiformats/cid';
import { WeightBlockstore } from './blockstore.js';
import {
  BLOCKS_DIR,
  CHUNK_BYTES,
  DATASTORE_DIR,
  FILES_DIR,
  MAX_CHILDREN_PER_NODE,
  READ_CHUNK_BYTES,
  UNIXFS_PROFILE,
} from './constants.js';
import { WeightDatastore } from './datastore.js';
import { WeightStoreError, WeightStoreErrorCode } from './errors.js';
import { PinFeed } from './pin-feed.js';
import { linksOnlyWalker } from './pin-walker.js';
import { verifyBlock } from './verify-block.js';

export interface AddProgress {
  bytes: number;
  totalBytes: number;
}

export interface AddOptions {
  onProgress?: (progress: AddProgress) => void;
  signal?: AbortSignal;
}

export function parseCid(text: string): CID {
  try {
    return CID.parse(text);
  } catch (err) {
    throw new WeightStoreError(WeightStoreErrorCode.INVALID_CID, `not a CID: ${JSON.stringify(text)}`, {
      cause: err,
    });
  }
}

async function collect(chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const part of chunks) parts.push(part);
  return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
}

export class WeightStore {
  private constructor(
    readonly helia: Helia,
    readonly dataDir: string,
    /** The files under Helia: verified puts go straight here (see putVerifiedBlock). */
    private readonly blocks: WeightBlockstore,
  ) {}

  /** Opens (creating if needed) the store under `dataDir` and starts its offline Helia node. */
  static async open(dataDir: string): Promise<WeightStore> {
    await mkdir(join(dataDir, FILES_DIR), { recursive: true });
    const blockstore = new WeightBlockstore(join(dataDir, BLOCKS_DIR));
    const datastore = new WeightDatastore(join(dataDir, DATASTORE_DIR));
    await blockstore.open();
    await datastore.open();
    // Offline by construction: no routers and no block brokers, so nothing ever dials out.
    const helia = createHeliaLight({ blockstore, datastore, routers: [], blockBrokers: [] });
    await helia.start();
    return new WeightStore(helia, dataDir, blockstore);
  }

  async stop(): Promise<void> {
    await this.helia.stop();
  }

  private importOptions() {
    return {
      profile: UNIXFS_PROFILE,
      chunker: fixedSize({ chunkSize: CHUNK_BYTES }),
      layout: balanced({ maxChildrenPerNode: MAX_CHILDREN_PER_NODE }),
      rawLeaves: true,
      cidVersion: 1,
    } as const;
  }

  /** Adds a file as a UnixFS DAG, pins it, and returns its root CID. */
  async addFile(path: string, options: AddOptions = {}): Promise<CID> {
    const totalBytes = (await stat(path)).size;
    let bytes = 0;
    async function* read() {
      for await (const chunk of createReadStream(path, { highWaterMark: READ_CHUNK_BYTES })) {
        options.signal?.throwIfAborted();
        bytes += (chunk as Buffer).byteLength;
        options.onProgress?.({ bytes, totalBytes });
        yield chunk as Uint8Array;
      }
    }
    return this.addContent(read(), options);
  }

  /** Adds bytes as a UnixFS DAG (same CID as a file with these bytes), pins it, returns the root. */
  async addBytes(data: Uint8Array, options: AddOptions = {}): Promise<CID> {
    return this.addContent([data], options);
  }

  private async addContent(content: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, options: AddOptions) {
    let root: CID | undefined;
    for await (const entry of importer([{ content }], this.helia.blockstore, this.importOptions()))
      root = entry.cid;
    if (root === undefined)
      throw new WeightStoreError(WeightStoreErrorCode.NOT_A_FILE, 'importer produced no root');
    await this.pin(root, options.signal);
    return root;
  }

  async hasBlock(cid: CID): Promise<boolean> {
    return this.helia.blockstore.has(cid);
  }

  /** A block from local storage only; MISSING_BLOCK if this peer does not hold it. */
  async getBlock(cid: CID, signal?: AbortSignal): Promise<Uint8Array> {
    try {
      return await collect(this.helia.blockstore.get(cid, { offline: true, ...(signal ? { signal } : {}) }));
    } catch (err) {
      // One read instead of an existence check plus a read: blocks are served at wire speed.
      if (
        (err as Error).name === 'NotFoundError' ||
        (err as Error).name === 'BlockNotFoundWhileOfflineError'
      ) {
        throw new WeightStoreError(WeightStoreErrorCode.MISSING_BLOCK, `block ${cid} is not in this store`, {
          cause: err,
        });
      }
      throw err;
    }
  }

  /**
   * Stores a block received from elsewhere after checking its bytes against its CID. It skips
   * Helia's wrapper, whose put checks for the file first (the fetch already did) and takes the
   * GC read lock (this store never runs Helia's GC); the file is the one Helia would write.
   */
  async putVerifiedBlock(cid: CID, bytes: Uint8Array, signal?: AbortSignal): Promise<void> {
    verifyBlock(cid, bytes);
    await this.blocks.put(cid, bytes, signal ? { signal } : {});
  }

  /** Pins a DAG whose blocks are all local, so garbage collection keeps it. */
  async pin(root: CID, signal?: AbortSignal): Promise<void> {
    if (await this.isPinned(root, signal)) return;
    for await (const _ of this.helia.pins.add(root, {
      walker: linksOnlyWalker(),
      ...(signal ? { signal } : {}),
    })) {
      // pins.add yields each CID it pinned; walking it to the end is what pins the DAG
    }
  }

  /**
   * Starts pinning `root` while its blocks are fetched: feed it every block as it is stored (and
   * every block found already present), then `end()` and await `done`; `fail()` if the fetch
   * fails. A root already pinned gets a feed that records nothing.
   */
  async pinWhileFetching(root: CID, signal?: AbortSignal): Promise<PinFeed> {
    const feed = new PinFeed(root);
    if (await this.isPinned(root, signal)) return feed;
    const adding = (async () => {
      for await (const _ of this.helia.pins.add(root, {
        walker: feed.walker(),
        ...(signal ? { signal } : {}),
      })) {
        // each yielded CID is one block recorded as pinned
      }
    })();
    adding.catch(() => {}); // observed through feed.done
    feed.done = adding;
    return feed;
  }

  /** Roots of every pinned DAG: what this peer holds in full and can provide to others. */
  async pinnedRoots(signal?: AbortSignal): Promise<CID[]> {
    const roots: CID[] = [];
    for await (const pin of this.helia.pins.ls(signal ? { signal } : {})) roots.push(pin.cid);
    return roots;
  }

  /**
   * True when `root` is pinned as a root: its whole DAG was recorded. Helia's own isPinned is also
   * true for any block inside some pin, including blocks an interrupted fetch already recorded.
   */
  async isPinned(root: CID, signal?: AbortSignal): Promise<boolean> {
    try {
      await this.helia.pins.get(root, signal ? { signal } : {});
      return true;
    } catch (err) {
      if ((err as Error).name === 'NotFoundError') return false;
      throw err;
    }
  }

  /** Where exportFile puts the assembled file of `root`. */
  filePath(root: CID): string {
    return join(this.dataDir, FILES_DIR, root.toString());
  }

  /**
   * Assembles the file of a local DAG on disk (for onnxruntime, which reads paths) and checks
   * its sha256 when the manifest gives one. Returns the path.
   */
  async exportFile(
    root: CID,
    options: { sha256?: string; signal?: AbortSignal; destination?: string } = {},
  ): Promise<string> {
    const entry = await exporter(root, this.helia.blockstore, {
      offline: true,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    if (entry.type !== 'file' && entry.type !== 'raw') {
      throw new WeightStoreError(WeightStoreErrorCode.NOT_A_FILE, `${root} is a ${entry.type}, not a file`);
    }
    const target = options.destination ?? this.filePath(root);
    await mkdir(dirname(target), { recursive: true });
    const partial = `${target}.partial`;
    const hash = createHash('sha256');
    const content = entry.content();
    async function* hashed() {
      for await (const chunk of content) {
        hash.update(chunk);
        yield chunk;
      }
    }
    await pipeline(hashed(), createWriteStream(partial));
    const digest = hash.digest('hex');
    if (options.sha256 !== undefined && digest !== options.sha256) {
      await rm(partial, { force: true });
      throw new WeightStoreError(
        WeightStoreErrorCode.FILE_HASH_MISMATCH,
        `file ${root} has sha256 ${digest}, the manifest declares ${options.sha256}`,
      );
    }
    await rename(partial, target);
    return target;
  }
}
