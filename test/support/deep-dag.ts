// Multi-level UnixFS DAGs for tests of fetching and pinning: real task files only get inner nodes
// past 1 GiB (1 MiB leaves, 1024 links per node), so tests build them from tiny chunks instead.
import * as dagPb from '@ipld/dag-pb';
import { importer } from 'ipfs-unixfs-importer';
import { fixedSize } from 'ipfs-unixfs-importer/chunker';
import { balanced } from 'ipfs-unixfs-importer/layout';
import type { CID } from 'multiformats/cid';
import * as raw from 'multiformats/codecs/raw';
import type { WeightStore } from '../../storage/weights/index.js';

/** Adds `bytes` as a UnixFS DAG of 1 KiB raw leaves and 4 links per node; returns its root. */
export async function importDeep(store: WeightStore, bytes: Uint8Array): Promise<CID> {
  let root: CID | undefined;
  for await (const entry of importer([{ content: [bytes] }], store.helia.blockstore, {
    chunker: fixedSize({ chunkSize: 1024 }),
    layout: balanced({ maxChildrenPerNode: 4 }),
    rawLeaves: true,
    cidVersion: 1,
  }))
    root = entry.cid;
  return root!;
}

/** Every CID of the DAG, read block by block, root first. */
export async function dagCids(store: WeightStore, root: CID): Promise<CID[]> {
  const out: CID[] = [root];
  if (root.code === raw.code) return out;
  for (const link of dagPb.decode(await store.getBlock(root)).Links)
    out.push(...(await dagCids(store, link.Hash)));
  return out;
}
