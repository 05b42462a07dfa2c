// The direct data channel of the block fetch: real peers on loopback, blocks over a plain socket
// once a token was handed out over libp2p; every failure of that socket falls back to libp2p.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Libp2p, PeerId } from '@libp2p/interface';
import { DIRECT_MAGIC, DIRECT_TOKEN_BYTES } from '../../../../protocols/blocks/constants.js';
import { blocksReadErrors } from '../../../../protocols/blocks/errors.js';
import {
  BLOCKS_DIRECT_PROTOCOL,
  BLOCKS_PROTOCOL,
  type Blocks,
  type BlocksError,
  BlocksErrorCode,
  blocks,
} from '../../../../protocols/blocks/index.js';
import { serveBlocks } from '../../../../protocols/blocks/server.js';
import { StreamReader } from '../../../../protocols/common/stream-reader.js';
import { CHUNK_BYTES, WeightStore } from '../../../../storage/weights/index.js';
import { connect, createLoopbackNode } from '../../../support/loopback-libp2p.js';

type BlocksNode = Libp2p<{ blocks: Blocks }>;

describe('block fetch: direct data channel', () => {
  let dir: string;
  const stores: WeightStore[] = [];
  const nodes: Libp2p[] = [];
  const servers: net.Server[] = [];
  const errors: { err: BlocksError; peer: PeerId | undefined }[] = [];
  let provider: BlocksNode;
  let providerStore: WeightStore;

  const peerWithStore = async (name: string, init: Partial<Parameters<typeof blocks>[0]> = {}) => {
    const store = await WeightStore.open(join(dir, name));
    stores.push(store);
    const node = (await createLoopbackNode({
      services: {
        blocks: blocks({
          store,
          stallTimeoutMs: 2_000,
          onError: (err, peer) => errors.push({ err, peer }),
          ...init,
        }),
      },
    })) as BlocksNode;
    nodes.push(node);
    return { store, node };
  };

  /** A plain TCP server on loopback; resolves with its port. */
  const tcpServer = async (onSocket: (socket: net.Socket) => void): Promise<number> => {
    const server = net.createServer({ allowHalfOpen: true }, onSocket);
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return (server.address() as net.AddressInfo).port;
  };

  /**
   * A peer that serves true blocks over libp2p and announces `port` as its direct channel: a dead
   * port, or a socket that forges.
   */
  const peerAnnouncing = async (port: number): Promise<Libp2p> => {
    const node = await createLoopbackNode();
    nodes.push(node);
    await node.handle(BLOCKS_DIRECT_PROTOCOL, async (stream) => {
      await new StreamReader(stream, 2_000, blocksReadErrors).readExactly(1, 'query');
      const reply = new Uint8Array(2 + DIRECT_TOKEN_BYTES);
      new DataView(reply.buffer).setUint16(0, port);
      stream.send(reply);
      await stream.close();
    });
    await node.handle(BLOCKS_PROTOCOL, (stream) => {
      void serveBlocks(stream, providerStore, 2_000, AbortSignal.timeout(10_000));
    });
    return node;
  };

  const publish = async (name: string, bytes: Uint8Array) => {
    const path = join(dir, name);
    await writeFile(path, bytes);
    return providerStore.addFile(path);
  };

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'splitup-blocks-direct-'));
    ({ store: providerStore, node: provider } = await peerWithStore('provider', {
      direct: { host: '127.0.0.1' },
    }));
  });

  after(async () => {
    for (const server of servers) server.close();
    for (const node of nodes) await node.stop();
    for (const store of stores) await store.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('fetches every block over the direct socket, verified, pinned and byte-identical', async () => {
    const { store, node: fetcher } = await peerWithStore('fetch-direct');
    await connect(fetcher, provider);
    const bytes = randomBytes(6 * CHUNK_BYTES + 123);
    const root = await publish('direct.bin', bytes);
    const result = await fetcher.services.blocks.fetch(root, { providers: [provider.peerId] });
    assert.ok(provider.services.blocks.directPort! > 0);
    assert.ok(result.directRequests > 0);
    assert.equal(result.libp2pRequests, 0);
    assert.equal(result.totalBytes, result.bytes);
    assert.ok(await store.isPinned(root));
    const file = await store.exportFile(root, { sha256: createHash('sha256').update(bytes).digest('hex') });
    assert.ok((await readFile(file)).equals(bytes));
  });

  it('uses libp2p streams when told not to use direct channels', async () => {
    const { store, node: fetcher } = await peerWithStore('fetch-libp2p', { useDirect: false });
    await connect(fetcher, provider);
    const root = await publish('libp2p.bin', randomBytes(3 * CHUNK_BYTES));
    const result = await fetcher.services.blocks.fetch(root, { providers: [provider.peerId] });
    assert.equal(result.directRequests, 0);
    assert.ok(result.libp2pRequests > 0);
    assert.ok(await store.isPinned(root));
  });

  it('falls back to libp2p when the announced direct port does not answer', async () => {
    const deadPort = await tcpServer((s) => s.destroy());
    servers.at(-1)!.close(); // nothing listens there any more
    const liar = await peerAnnouncing(deadPort);
    const { store, node: fetcher } = await peerWithStore('fetch-dead-port');
    await connect(fetcher, liar);
    const root = await publish('dead.bin', randomBytes(2 * CHUNK_BYTES + 9));
    const result = await fetcher.services.blocks.fetch(root, { providers: [liar.peerId] });
    assert.equal(result.directRequests, 0);
    assert.ok(result.libp2pRequests > 0);
    assert.ok(await store.isPinned(root));
  });

  it('a direct socket that forges blocks is reported; the blocks come over libp2p instead', async () => {
    const forgingPort = await tcpServer((socket) => {
      socket.once('data', () => {
        const junk = randomBytes(100);
        socket.end(Buffer.concat([Uint8Array.of(0, 0, 0, 0, junk.byteLength), junk]));
      });
    });
    const forger = await peerAnnouncing(forgingPort);
    const { store, node: fetcher } = await peerWithStore('fetch-forged');
    await connect(fetcher, forger);
    const root = await publish('forged.bin', randomBytes(2 * CHUNK_BYTES + 1));
    errors.length = 0;
    const result = await fetcher.services.blocks.fetch(root, { providers: [forger.peerId] });
    assert.ok(result.directRequests > 0);
    assert.ok(result.libp2pRequests > 0);
    assert.ok(await store.isPinned(root));
    assert.ok(
      errors.some((e) => e.peer?.equals(forger.peerId) && e.err.code === BlocksErrorCode.BLOCK_HASH_MISMATCH),
    );
  });

  it('refuses a stray client and an unknown token with typed errors, and keeps serving', async () => {
    const port = provider.services.blocks.directPort!;
    errors.length = 0;
    const send = async (bytes: Uint8Array) => {
      const socket = net.connect({ port, host: '127.0.0.1', allowHalfOpen: true });
      await new Promise((r) => socket.once('connect', r));
      const closed = new Promise((r) => socket.once('close', r));
      socket.on('error', () => {});
      socket.resume();
      socket.end(bytes);
      await closed;
    };
    await send(new TextEncoder().encode('GET / HTTP/1.1\r\nHost: x\r\n\r\n'));
    await send(Buffer.concat([DIRECT_MAGIC, randomBytes(DIRECT_TOKEN_BYTES), Uint8Array.of(0, 1)]));
    const codes = errors.filter((e) => e.peer === undefined).map((e) => e.err.code);
    assert.deepEqual(codes.sort(), [BlocksErrorCode.MALFORMED_REQUEST, BlocksErrorCode.UNAUTHORIZED].sort());
    // Still serving.
    const { store, node: fetcher } = await peerWithStore('fetch-after-garbage');
    await connect(fetcher, provider);
    const root = await publish('after.bin', randomBytes(CHUNK_BYTES + 1));
    const result = await fetcher.services.blocks.fetch(root, { providers: [provider.peerId] });
    assert.ok(result.directRequests > 0);
    assert.ok(await store.isPinned(root));
  });
});
