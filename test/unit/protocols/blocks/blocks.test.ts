// Real peers on loopback: one publishes a file to its weight store, another fetches the DAG over
// /splitup/blocks/1.0.0, verifying every block; a forging provider is caught and dropped.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as dagPb from '@ipld/dag-pb';
import type { Libp2p, PeerId } from '@libp2p/interface';
import { readRequest } from '../../../../protocols/blocks/codec.js';
import { blocksReadErrors } from '../../../../protocols/blocks/errors.js';
import { type BlockSink, fetchDag } from '../../../../protocols/blocks/fetch-dag.js';
import {
  BLOCKS_PROTOCOL,
  type Blocks,
  BlocksError,
  BlocksErrorCode,
  blocks,
} from '../../../../protocols/blocks/index.js';
import { StreamReader } from '../../../../protocols/common/stream-reader.js';
import { CHUNK_BYTES, WeightStore } from '../../../../storage/weights/index.js';
import { dagCids, importDeep } from '../../../support/deep-dag.js';
import { connect, createLoopbackNode } from '../../../support/loopback-libp2p.js';

type BlocksNode = Libp2p<{ blocks: Blocks }>;

describe('block fetch protocol', () => {
  let dir: string;
  const stores: WeightStore[] = [];
  const nodes: Libp2p[] = [];
  const errors: { err: BlocksError; peer: PeerId | undefined }[] = [];
  let provider: BlocksNode;
  let fetcher: BlocksNode;
  let forger: Libp2p;
  /** Serves two true blocks of a response, then junk. */
  let halfForger: Libp2p;
  /** Reads the request and never answers. */
  let staller: Libp2p;
  let fetcherStore: WeightStore;
  let providerStore: WeightStore;
  const bytes = randomBytes(5 * CHUNK_BYTES + 777);

  const peerWithStore = async (name: string) => {
    const store = await WeightStore.open(join(dir, name));
    stores.push(store);
    const node = (await createLoopbackNode({
      services: {
        blocks: blocks({ store, stallTimeoutMs: 2_000, onError: (err, peer) => errors.push({ err, peer }) }),
      },
    })) as BlocksNode;
    nodes.push(node);
    return { store, node };
  };

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'splitup-blocks-'));
    ({ store: providerStore, node: provider } = await peerWithStore('provider'));
    ({ store: fetcherStore, node: fetcher } = await peerWithStore('fetcher'));
    // A provider that answers every CID with bytes that are not the block.
    forger = await createLoopbackNode();
    nodes.push(forger);
    await forger.handle(BLOCKS_PROTOCOL, async (stream) => {
      const cids = await readRequest(new StreamReader(stream, 2_000, blocksReadErrors));
      for (const _ of cids) {
        const junk = randomBytes(100);
        stream.send(Uint8Array.of(0, 0, 0, 0, junk.byteLength));
        stream.send(junk);
      }
      await stream.close();
    });
    halfForger = await createLoopbackNode();
    nodes.push(halfForger);
    await halfForger.handle(BLOCKS_PROTOCOL, async (stream) => {
      const cids = await readRequest(new StreamReader(stream, 2_000, blocksReadErrors));
      for (const [i, cid] of cids.entries()) {
        const block = i < 2 ? await providerStore.getBlock(cid) : randomBytes(100);
        const header = new Uint8Array(5);
        new DataView(header.buffer).setUint32(1, block.byteLength);
        stream.send(header);
        stream.send(block);
      }
      await stream.close();
    });
    staller = await createLoopbackNode();
    nodes.push(staller);
    await staller.handle(BLOCKS_PROTOCOL, async (stream) => {
      await readRequest(new StreamReader(stream, 2_000, blocksReadErrors));
    });
    await connect(fetcher, provider);
    await connect(fetcher, forger);
    await connect(fetcher, halfForger);
    await connect(fetcher, staller);
  });

  after(async () => {
    for (const node of nodes) await node.stop();
    for (const store of stores) await store.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('rejects a block whose content does not match its CID, and the fetcher stays up', async () => {
    const path = join(dir, 'w1.bin');
    await writeFile(path, randomBytes(CHUNK_BYTES + 5));
    const root = await providerStore.addFile(path);
    await assert.rejects(
      fetcher.services.blocks.fetch(root, { providers: [forger.peerId] }),
      (err: BlocksError) => err instanceof BlocksError && err.code === BlocksErrorCode.BLOCK_HASH_MISMATCH,
    );
    assert.equal(await fetcherStore.hasBlock(root), false);
    // With an honest provider beside the forger, the forger is dropped and the fetch completes.
    errors.length = 0;
    await fetcher.services.blocks.fetch(root, { providers: [forger.peerId, provider.peerId] });
    assert.ok(await fetcherStore.isPinned(root));
    assert.ok(
      errors.some((e) => e.peer?.equals(forger.peerId) && e.err.code === BlocksErrorCode.BLOCK_HASH_MISMATCH),
    );
  });

  it('fetches a multi-block file, verifies, pins and assembles it, reporting progress', async () => {
    const path = join(dir, 'w2.bin');
    await writeFile(path, bytes);
    const root = await providerStore.addFile(path);
    const seen: number[] = [];
    const result = await fetcher.services.blocks.fetch(root, {
      providers: [provider.peerId],
      onProgress: (p) => seen.push(p.bytes),
    });
    assert.ok(result.bytes >= bytes.byteLength);
    assert.equal(result.totalBytes, result.bytes);
    assert.ok(seen.length >= 6);
    assert.ok(await fetcherStore.isPinned(root));
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const file = await fetcherStore.exportFile(root, { sha256 });
    assert.ok((await readFile(file)).equals(bytes));
  });

  it('resumes a fetch whose inner nodes were stored before their leaves', async () => {
    const root = await importDeep(providerStore, randomBytes(40 * 1024));
    const cids = await dagCids(providerStore, root);
    // What an interrupted fetch leaves: an inner node held, the leaves below it not.
    const inner = cids.find((c) => c.code === dagPb.code && !c.equals(root))!;
    await fetcherStore.putVerifiedBlock(inner, await providerStore.getBlock(inner));
    await fetcher.services.blocks.fetch(root, { providers: [provider.peerId] });
    for (const cid of cids) assert.ok(await fetcherStore.hasBlock(cid), `${cid} is held`);
    assert.ok(await fetcherStore.isPinned(root));
  });

  it('reports a local write failure as itself, dropping no provider', async () => {
    const data = randomBytes(4 * CHUNK_BYTES + 5);
    const path = join(dir, 'w-enospc.bin');
    await writeFile(path, data);
    const root = await providerStore.addFile(path);
    const full = Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
    // The fetcher's own store, except that writing a leaf fails as a full disk would.
    const sink: BlockSink = {
      hasBlock: (cid) => fetcherStore.hasBlock(cid),
      getBlock: (cid, signal) => fetcherStore.getBlock(cid, signal),
      pinWhileFetching: (cid, signal) => fetcherStore.pinWhileFetching(cid, signal),
      putVerifiedBlock: async (cid, bytes, signal) => {
        if (!cid.equals(root)) throw full;
        await fetcherStore.putVerifiedBlock(cid, bytes, signal);
      },
    };
    const dropped: PeerId[] = [];
    await assert.rejects(
      fetchDag(
        root,
        [provider.peerId],
        {
          store: sink,
          openStream: (peer, signal) => fetcher.dialProtocol(peer, BLOCKS_PROTOCOL, { signal }),
        },
        {
          concurrency: 2,
          batchSize: 2,
          storesInFlight: 2,
          stallTimeoutMs: 2_000,
          onProviderDropped: (peer) => dropped.push(peer),
        },
      ),
      (err) => err === full,
    );
    assert.deepEqual(dropped, []);
    assert.equal(await fetcherStore.isPinned(root), false);
  });

  it('drops a provider that forges a block mid-response and fetches the rest from another', async () => {
    const data = randomBytes(6 * CHUNK_BYTES + 3);
    const path = join(dir, 'w4.bin');
    await writeFile(path, data);
    const root = await providerStore.addFile(path);
    errors.length = 0;
    // The root goes to the first provider, the batch of leaves to the half forger.
    await fetcher.services.blocks.fetch(root, { providers: [provider.peerId, halfForger.peerId] });
    assert.ok(
      errors.some(
        (e) => e.peer?.equals(halfForger.peerId) && e.err.code === BlocksErrorCode.BLOCK_HASH_MISMATCH,
      ),
    );
    const sha256 = createHash('sha256').update(data).digest('hex');
    assert.ok((await readFile(await fetcherStore.exportFile(root, { sha256 }))).equals(data));
  });

  it('abandons a provider that goes quiet (STALLED) and fetches from another', async () => {
    const data = randomBytes(2 * CHUNK_BYTES + 9);
    const path = join(dir, 'w5.bin');
    await writeFile(path, data);
    const root = await providerStore.addFile(path);
    errors.length = 0;
    await fetcher.services.blocks.fetch(root, { providers: [staller.peerId, provider.peerId] });
    assert.ok(errors.some((e) => e.peer?.equals(staller.peerId) && e.err.code === BlocksErrorCode.STALLED));
    assert.ok(await fetcherStore.isPinned(root));
    const sha256 = createHash('sha256').update(data).digest('hex');
    assert.ok((await readFile(await fetcherStore.exportFile(root, { sha256 }))).equals(data));
  });

  it('fails over from a provider that went away or resets its stream mid-response', async () => {
    const data = randomBytes(3 * CHUNK_BYTES + 5);
    const path = join(dir, 'w5b.bin');
    await writeFile(path, data);
    const root = await providerStore.addFile(path);
    const gone = await createLoopbackNode();
    await connect(fetcher, gone);
    await gone.stop();
    // Sends the first block it is asked for, then resets the stream.
    const resetter = await createLoopbackNode();
    nodes.push(resetter);
    await resetter.handle(BLOCKS_PROTOCOL, async (stream) => {
      const cids = await readRequest(new StreamReader(stream, 2_000, blocksReadErrors));
      const block = await providerStore.getBlock(cids[0]!);
      const header = new Uint8Array(5);
      new DataView(header.buffer).setUint32(1, block.byteLength);
      stream.send(header);
      stream.send(block);
      stream.abort(new Error('provider crashed'));
    });
    await connect(fetcher, resetter);
    errors.length = 0;
    await fetcher.services.blocks.fetch(root, { providers: [gone.peerId, resetter.peerId, provider.peerId] });
    assert.ok(errors.some((e) => e.peer?.equals(gone.peerId) && e.err.code === BlocksErrorCode.UNREACHABLE));
    assert.ok(
      errors.some((e) => e.peer?.equals(resetter.peerId) && e.err.code === BlocksErrorCode.TRUNCATED),
    );
    const sha256 = createHash('sha256').update(data).digest('hex');
    assert.ok((await readFile(await fetcherStore.exportFile(root, { sha256 }))).equals(data));
  });

  it('pins every block, those already held included, and no root when the fetch fails', async () => {
    const data = randomBytes(6 * CHUNK_BYTES + 11);
    const path = join(dir, 'w6.bin');
    await writeFile(path, data);
    const root = await providerStore.addFile(path);
    const leaves = dagPb.decode(await providerStore.getBlock(root)).Links.map((l) => l.Hash);
    for (const leaf of leaves.slice(0, 2)) {
      await fetcherStore.putVerifiedBlock(leaf, await providerStore.getBlock(leaf));
    }
    await assert.rejects(
      fetcher.services.blocks.fetch(root, { providers: [halfForger.peerId] }),
      (err: BlocksError) => err.code === BlocksErrorCode.BLOCK_HASH_MISMATCH,
    );
    assert.equal(await fetcherStore.isPinned(root), false);
    await fetcher.services.blocks.fetch(root, { providers: [provider.peerId] });
    for (const cid of [root, ...leaves])
      assert.ok(await fetcherStore.helia.pins.isPinned(cid), `${cid} pinned`);
    assert.deepEqual((await fetcherStore.pinnedRoots()).filter((c) => c.equals(root)).map(String), [
      root.toString(),
    ]);
  });

  it('answers a garbage request with a typed error and keeps serving', async () => {
    errors.length = 0;
    const stream = await fetcher.dialProtocol(provider.peerId, BLOCKS_PROTOCOL);
    stream.send(Uint8Array.of(0, 1, 60, ...randomBytes(60)));
    await stream.close();
    // The provider resets the stream instead of answering.
    await assert.rejects(async () => {
      for await (const _ of stream) {
        // nothing arrives
      }
    });
    for (let i = 0; i < 50 && errors.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(errors[0]?.err.code, BlocksErrorCode.MALFORMED_REQUEST);
    const path = join(dir, 'w3.bin');
    await writeFile(path, randomBytes(1000));
    const root = await providerStore.addFile(path);
    await fetcher.services.blocks.fetch(root, { providers: [provider.peerId] });
    assert.ok(await fetcherStore.isPinned(root));
  });

  it('reports a block no provider has as NOT_FOUND', async () => {
    const other = await WeightStore.open(join(dir, 'other'));
    stores.push(other);
    const root = await other.addBytes(randomBytes(64));
    await assert.rejects(
      fetcher.services.blocks.fetch(root, { providers: [provider.peerId] }),
      (err: BlocksError) => err.code === BlocksErrorCode.NOT_FOUND,
    );
  });
});
