// Fetches a whole DAG (a task file) from providers over /splitup/blocks/1.0.0: batches of CIDs per
// request, several requests in flight across providers, every block verified against its CID
// before it is stored, children of dag-pb nodes queued as they arrive. Blocks are recorded as
// pinned as they are stored; the root, which makes the pin, only once every block is in.

import { setMaxListeners } from 'node:events';
import * as dagPb from '@ipld/dag-pb';
import type { PeerId } from '@libp2p/interface';
import type { CID } from 'multiformats/cid';
import * as raw from 'multiformats/codecs/raw';
import { type WeightStore, WeightStoreError } from '../../storage/weights/index.js';
import { BufferPool } from '../common/buffer-pool.js';
import { abortReason } from '../common/errors.js';
import type { ByteStream } from '../common/socket-stream.js';
import { StreamReader } from '../common/stream-reader.js';
import { encodeRequest, readResponseEntry } from './codec.js';
import { LINK_CHECK_CONCURRENCY, MAX_POOLED_LEAF_BYTES } from './constants.js';
import { BlocksError, BlocksErrorCode, blocksReadErrors } from './errors.js';

export type BlockSink = Pick<WeightStore, 'hasBlock' | 'getBlock' | 'putVerifiedBlock' | 'pinWhileFetching'>;

export interface FetchProgress {
  blocks: number;
  bytes: number;
  /** DAG size from the root's link sizes, once the root arrived. */
  totalBytes: number | undefined;
}

export interface FetchDagOptions {
  concurrency: number;
  batchSize: number;
  /** Blocks of one response written to the store while the next ones are read. */
  storesInFlight: number;
  stallTimeoutMs: number;
  signal?: AbortSignal;
  onProgress?: (progress: FetchProgress) => void;
  /** Called when a provider misbehaves and is dropped (e.g. sent a block that fails its CID). */
  onProviderDropped?: (peer: PeerId, err: BlocksError) => void;
}

export interface FetchDagDeps {
  store: BlockSink;
  openStream(peer: PeerId, signal: AbortSignal): Promise<ByteStream>;
  /**
   * A request on `stream` failed with `err`. True when the fetch should ask for its blocks again
   * on another path instead of dropping the provider (a direct socket failed: use libp2p).
   */
  transportFailed?(peer: PeerId, stream: ByteStream, err: unknown): boolean;
}

function linksOf(cid: CID, block: Uint8Array): { links: CID[]; size: number } {
  if (cid.code !== dagPb.code) return { links: [], size: 0 };
  let node: dagPb.PBNode;
  try {
    node = dagPb.decode(block);
  } catch (err) {
    throw new BlocksError(BlocksErrorCode.MALFORMED_RESPONSE, `block ${cid} is not valid dag-pb`, {
      cause: err,
    });
  }
  return { links: node.Links.map((l) => l.Hash), size: node.Links.reduce((n, l) => n + (l.Tsize ?? 0), 0) };
}

export async function fetchDag(
  root: CID,
  providers: readonly PeerId[],
  deps: FetchDagDeps,
  options: FetchDagOptions,
): Promise<FetchProgress> {
  const progress: FetchProgress = { blocks: 0, bytes: 0, totalBytes: undefined };
  const live = [...providers];
  if (live.length === 0) throw new BlocksError(BlocksErrorCode.NO_PROVIDERS, `no provider for ${root}`);
  /** Providers that answered "absent" for a CID. */
  const lacking = new Map<string, Set<string>>();
  const queue: CID[] = [root];
  // Stops every request and write still in flight once the fetch failed, whatever failed first.
  const stop = new AbortController();
  const signal = options.signal === undefined ? stop.signal : AbortSignal.any([stop.signal, options.signal]);
  setMaxListeners(Number.POSITIVE_INFINITY, signal); // every stream, read and write listens on it
  const pinning = await deps.store.pinWhileFetching(root, signal);
  // Leaves are read into reused buffers: a fresh 1 MiB buffer per block made V8 collect garbage
  // for about a tenth of a fetch. Only raw leaves go back; a dag-pb node's links point into it.
  const leaves = new BufferPool({ maxBytes: MAX_POOLED_LEAF_BYTES, minBufferBytes: 0 });
  const allocate = (byteLength: number) => leaves.take(byteLength);
  let inFlight = 0;
  let next = 0;

  const pickProvider = (cid: CID): PeerId | undefined => {
    const lackers = lacking.get(cid.toString());
    for (let i = 0; i < live.length; i++) {
      const peer = live[(next + i) % live.length]!;
      if (!lackers?.has(peer.toString())) {
        next = (next + i + 1) % live.length;
        return peer;
      }
    }
    return undefined;
  };

  const receive = async (cid: CID, block: Uint8Array) => {
    try {
      // Verifies the bytes against the CID before anything is stored.
      await deps.store.putVerifiedBlock(cid, block, signal);
    } catch (err) {
      if (err instanceof WeightStoreError) {
        throw new BlocksError(BlocksErrorCode.BLOCK_HASH_MISMATCH, err.message, { cause: err });
      }
      throw err;
    } finally {
      // Written (or refused): nothing holds a raw leaf's bytes any more.
      if (cid.code === raw.code) leaves.give(block);
    }
    pinning.stored(cid);
    const { links, size } = linksOf(cid, block);
    if (cid.equals(root)) progress.totalBytes = block.byteLength + size;
    progress.blocks++;
    progress.bytes += block.byteLength;
    options.onProgress?.({ ...progress });
    await visitLinks(links);
  };

  /** Queues the links not held here; walks into inner nodes that are, since they may lack children. */
  const visitLinks = async (links: CID[]): Promise<void> => {
    // A root links up to 1024 leaves: one existence check at a time would stall the start.
    for (let at = 0; at < links.length; at += LINK_CHECK_CONCURRENCY) {
      const group = links.slice(at, at + LINK_CHECK_CONCURRENCY);
      const present = await Promise.all(group.map((link) => deps.store.hasBlock(link)));
      for (let i = 0; i < group.length; i++) {
        const link = group[i]!;
        if (!present[i]) queue.push(link);
        else if (link.code !== dagPb.code) pinning.present(link);
        else {
          // An interrupted fetch stores inner nodes before their leaves: record this node alone
          // and look below it.
          pinning.stored(link);
          await visitLinks(linksOf(link, await deps.store.getBlock(link, signal)).links);
        }
      }
    }
  };

  /** Drops a provider that failed or misbehaved; its `unanswered` CIDs go to the others. */
  const dropProvider = (peer: PeerId, err: BlocksError, unanswered: CID[]): CID[] => {
    const index = live.findIndex((p) => p.equals(peer));
    if (index >= 0) live.splice(index, 1);
    options.onProviderDropped?.(peer, err);
    if (live.length === 0) throw err;
    return unanswered;
  };

  /** Asks `peer` for `batch`; returns CIDs to retry elsewhere. */
  const request = async (peer: PeerId, batch: CID[]): Promise<CID[]> => {
    let stream: ByteStream;
    try {
      stream = await deps.openStream(peer, signal);
    } catch (err) {
      if (signal.aborted) throw err;
      const unreachable = new BlocksError(
        BlocksErrorCode.UNREACHABLE,
        `provider ${peer} is unreachable: ${String(err)}`,
        {
          cause: err,
        },
      );
      return dropProvider(peer, unreachable, batch);
    }
    const retry: CID[] = [];
    // Index in `batch` of every block answered and stored.
    const settled = new Set<number>();
    // Blocks are verified as they are read (receive hashes before its first await), but written
    // while the next ones arrive: up to `storesInFlight` writes per stream.
    const stores: Promise<void>[] = [];
    let storeError: unknown;
    const store = (i: number, cid: CID, block: Uint8Array) => {
      const write = receive(cid, block).then(
        () => void settled.add(i),
        (err: unknown) => {
          storeError ??= err;
        },
      );
      stores.push(write);
    };
    try {
      stream.send(encodeRequest(batch));
      await stream.close({ signal });
      const reader = new StreamReader(stream, options.stallTimeoutMs, blocksReadErrors, signal);
      for (let i = 0; i < batch.length; i++) {
        const cid = batch[i]!;
        const block = await readResponseEntry(reader, cid, allocate);
        if (storeError !== undefined) throw storeError;
        if (block === null) {
          const key = cid.toString();
          if (!lacking.has(key)) lacking.set(key, new Set());
          lacking.get(key)!.add(peer.toString());
          retry.push(cid);
          settled.add(i);
        } else store(i, cid, block);
        if (stores.length > options.storesInFlight) await stores[stores.length - 1 - options.storesInFlight];
      }
      await Promise.all(stores);
      if (storeError !== undefined) throw storeError;
      return retry;
    } catch (err) {
      stream.abort(abortReason(err));
      await Promise.all(stores);
      // A local failure (a full disk) is not the provider's fault: report it, drop nobody.
      if (storeError !== undefined && !(storeError instanceof BlocksError)) throw storeError;
      if (signal.aborted) throw err;
      const unsettled = [...retry, ...batch.filter((_, i) => !settled.has(i))];
      if (deps.transportFailed?.(peer, stream, err)) return unsettled;
      // This provider misbehaved, stalled or went away (a reset stream): the others take over.
      const failure =
        err instanceof BlocksError
          ? err
          : new BlocksError(BlocksErrorCode.TRUNCATED, `provider ${peer} broke off: ${String(err)}`, {
              cause: err,
            });
      return dropProvider(peer, failure, unsettled);
    }
  };

  const fetched = new Promise<void>((resolve, reject) => {
    let failed = false;
    const fail = (err: unknown) => {
      if (failed) return;
      failed = true;
      stop.abort(err);
      reject(err);
    };
    // Pinning runs alongside; if it fails (a datastore error), downloading the rest is pointless.
    pinning.done.catch(fail);
    const pump = () => {
      if (failed) return;
      if (queue.length === 0 && inFlight === 0) return resolve();
      while (inFlight < options.concurrency && queue.length > 0) {
        const peer = pickProvider(queue[0]!);
        if (peer === undefined) {
          return fail(new BlocksError(BlocksErrorCode.NOT_FOUND, `no provider has block ${queue[0]}`));
        }
        const lackers = (c: CID) => lacking.get(c.toString());
        // A batch for one provider: CIDs it has not said it lacks.
        const batch: CID[] = [];
        for (let i = 0; i < queue.length && batch.length < options.batchSize; ) {
          if (lackers(queue[i]!)?.has(peer.toString())) i++;
          else batch.push(queue.splice(i, 1)[0]!);
        }
        inFlight++;
        request(peer, batch).then(
          (retry) => {
            inFlight--;
            queue.push(...retry);
            pump();
          },
          (err) => {
            inFlight--;
            fail(err);
          },
        );
      }
    };
    pump();
  });
  try {
    await fetched;
  } catch (err) {
    pinning.fail(err);
    await pinning.done.catch(() => {});
    throw err;
  }
  pinning.end();
  await pinning.done;
  return progress;
}
