// Weight fetch of a 1 GiB file between two peers on loopback, in one run:
//   - baselines: raw TCP and a raw libp2p stream of the same bytes, and the storage floor (the
//     same blocks verified and written to a fresh store from memory, no network);
//   - Helia bitswap;
//   - our /splitup/blocks/1.0.0 over libp2p streams, over the direct data channel (a plain socket
//     after a libp2p token; what peers use by default), and the same with the provider in its own
//     process, as a remote peer runs (in-process, both peers share one JS thread).
// Every fetch path verifies each block against its CID and stores it in a filesystem blockstore;
// the DAG is the same standard UnixFS DAG for all.
//   node --import tsx bench/helia-fetch.ts [--mib 1024] [--rounds 3] [--bitswap-rounds 1]
import '../node/runtime/polyfills.js';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { withBitswap } from '@helia/bitswap';
import { withLibp2pLight } from '@helia/libp2p';
import * as dagPb from '@ipld/dag-pb';
import { identify } from '@libp2p/identify';
import type { Libp2p, PeerId } from '@libp2p/interface';
import { peerIdFromString } from '@libp2p/peer-id';
import { tcp } from '@libp2p/tcp';
import { yamux } from '@libp2p/yamux';
import { multiaddr } from '@multiformats/multiaddr';
import { FsBlockstore } from 'blockstore-fs';
import { FsDatastore } from 'datastore-fs';
import { createHeliaLight } from 'helia';
import type { CID } from 'multiformats/cid';
import { defaultEncrypters } from '../node/peer/create-peer.js';
import { DEFAULT_STORES_IN_FLIGHT } from '../protocols/blocks/constants.js';
import { type Blocks, blocks } from '../protocols/blocks/index.js';
import { WeightStore } from '../storage/weights/index.js';
import { connect, createLoopbackNode } from '../test/support/loopback-libp2p.js';
import { mbps, median } from './lib/stats.js';

const args = process.argv.slice(2);
const arg = (name: string, fallback: number) => {
  const at = args.indexOf(name);
  return at >= 0 ? Number(args[at + 1]) : fallback;
};
const MIB = arg('--mib', 1024);
const ROUNDS = arg('--rounds', 3);
const BITSWAP_ROUNDS = arg('--bitswap-rounds', 1);
const TOTAL = MIB * 1024 * 1024;
const WRITE_BYTES = 1024 * 1024;
/** Blocks fetched concurrently through Helia (its wantlist parallelism). */
const BITSWAP_CONCURRENCY = Number(process.env.BSC ?? 32);
/** One 1 MiB block per bitswap message: larger messages were dropped and their wants never answered. */
const BITSWAP_MESSAGE_BYTES = 2 * 1024 * 1024;
/** What a worker gets: the peer's default encrypters (TLS 1.3, then noise) and default yamux. */
let negotiated = 'peer defaults';
const libp2pOptions = () => ({
  addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
  transports: [tcp()],
  connectionEncrypters: defaultEncrypters(),
  streamMuxers: [yamux()],
  services: { identify: identify() },
});

async function rawTcp(data: Uint8Array): Promise<number> {
  const server = net.createServer((s) => {
    let n = 0;
    s.on('data', (d) => {
      n += d.byteLength;
      if (n >= data.byteLength) s.end(Uint8Array.of(1));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const socket = net.connect((server.address() as net.AddressInfo).port, '127.0.0.1');
  await new Promise((r) => socket.once('connect', r));
  const acked = new Promise((r) => socket.once('data', r));
  const start = performance.now();
  for (let at = 0; at < data.byteLength; at += WRITE_BYTES) {
    if (!socket.write(data.subarray(at, at + WRITE_BYTES))) await new Promise((r) => socket.once('drain', r));
  }
  await acked;
  const ms = performance.now() - start;
  socket.destroy();
  server.close();
  return mbps(data.byteLength, ms);
}

async function rawLibp2p(data: Uint8Array): Promise<number> {
  const a = await createLoopbackNode();
  const b = await createLoopbackNode();
  let resolveReceived!: () => void;
  const received = new Promise<void>((r) => {
    resolveReceived = r;
  });
  await b.handle('/bench/raw/1', async (stream) => {
    let n = 0;
    for await (const chunk of stream) {
      n += chunk.byteLength;
      if (n >= data.byteLength) resolveReceived();
    }
  });
  await connect(a, b);
  const stream = await a.dialProtocol(b.peerId, '/bench/raw/1');
  const start = performance.now();
  for (let at = 0; at < data.byteLength; at += WRITE_BYTES) {
    if (!stream.send(data.subarray(at, at + WRITE_BYTES))) await stream.onDrain();
  }
  await received;
  const ms = performance.now() - start;
  await a.stop();
  await b.stop();
  return mbps(data.byteLength, ms);
}

/** A peer serving the provider's store: in this process, or in a child as a remote peer runs. */
interface Provider {
  peerId: PeerId;
  addr: string;
  stop(): Promise<void>;
}

async function providerHere(store: WeightStore): Promise<Provider> {
  const node = await createLoopbackNode({
    services: { blocks: blocks({ store, direct: { host: '127.0.0.1' } }) },
  });
  return {
    peerId: node.peerId,
    addr: node.getMultiaddrs()[0]!.toString(),
    stop: async () => {
      await node.stop();
    },
  };
}

/** Child mode: serve `dir`'s store over libp2p and the direct channel; print where, then wait. */
async function runProviderChild(storeDir: string): Promise<void> {
  const provider = await providerHere(await WeightStore.open(storeDir));
  console.log(JSON.stringify({ peerId: provider.peerId.toString(), addr: provider.addr }));
}

async function providerInChild(storeDir: string): Promise<Provider> {
  const child = spawn(
    process.execPath,
    [...process.execArgv, process.argv[1]!, '--provider-child', storeDir],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const [line] = (await once(createInterface({ input: child.stdout! }), 'line')) as [string];
  const { peerId, addr } = JSON.parse(line) as { peerId: string; addr: string };
  return {
    peerId: peerIdFromString(peerId),
    addr,
    stop: async () => {
      child.kill();
      await once(child, 'exit');
    },
  };
}

async function blocksFetch(dir: string, provider: Provider, root: CID, round: number, direct: boolean) {
  const fetcherDir = join(dir, `blocks-fetcher-${round}-${direct}`);
  const fetcherStore = await WeightStore.open(fetcherDir);
  const fetcher = (await createLoopbackNode({
    services: { blocks: blocks({ store: fetcherStore, useDirect: direct }) },
  })) as Libp2p<{ blocks: Blocks }>;
  const connection = await fetcher.dial(multiaddr(provider.addr));
  negotiated = `${connection.encryption} + ${connection.multiplexer}, the peer defaults`;
  const start = performance.now();
  const result = await fetcher.services.blocks.fetch(root, { providers: [provider.peerId] });
  const ms = performance.now() - start;
  if (result.directRequests > 0 !== direct) {
    throw new Error(`direct=${direct} but ${result.directRequests} requests went direct`);
  }
  await fetcher.stop();
  await fetcherStore.stop();
  await rm(fetcherDir, { recursive: true, force: true });
  return mbps(result.bytes, ms);
}

/**
 * The storage floor: verify and write the same blocks into a fresh store, from memory, with the
 * fetch's writes in flight; no network. No fetch that keeps blocks as files gets above it.
 */
async function storeOnly(dir: string, blocksOfDag: ReadonlyArray<[CID, Uint8Array]>, round: number) {
  const storeDir = join(dir, `store-only-${round}`);
  const store = await WeightStore.open(storeDir);
  const start = performance.now();
  let bytes = 0;
  const writes: Promise<void>[] = [];
  for (const [cid, block] of blocksOfDag) {
    writes.push(store.putVerifiedBlock(cid, block));
    bytes += block.byteLength;
    if (writes.length >= DEFAULT_STORES_IN_FLIGHT) await writes.shift();
  }
  await Promise.all(writes);
  const ms = performance.now() - start;
  await store.stop();
  await rm(storeDir, { recursive: true, force: true });
  return mbps(bytes, ms);
}

/** Every block of the DAG under `root`, read into memory. */
async function readDag(store: WeightStore, root: CID): Promise<Array<[CID, Uint8Array]>> {
  const out: Array<[CID, Uint8Array]> = [];
  const queue = [root];
  for (let cid = queue.shift(); cid !== undefined; cid = queue.shift()) {
    const block = await store.getBlock(cid);
    out.push([cid, block]);
    if (cid.code === dagPb.code) queue.push(...dagPb.decode(block).Links.map((l) => l.Hash));
  }
  return out;
}

async function bitswapFetch(dir: string, root: CID, round: number): Promise<number> {
  const helia = async (name: string, blockstorePath: string) => {
    const blockstore = new FsBlockstore(blockstorePath);
    const datastore = new FsDatastore(join(dir, `${name}-datastore`));
    await blockstore.open();
    await datastore.open();
    const node = withBitswap(
      withLibp2pLight(createHeliaLight({ blockstore, datastore, routers: [] }), libp2pOptions()),
      { maxOutgoingMessageSize: BITSWAP_MESSAGE_BYTES },
    );
    await node.start();
    return node;
  };
  const provider = await helia(`bs-provider-${round}`, join(dir, 'provider', 'blocks'));
  const fetcherPath = join(dir, `bs-fetcher-${round}`);
  const fetcher = await helia(`bs-fetcher-${round}`, fetcherPath);
  await fetcher.libp2p.dial(provider.libp2p.getMultiaddrs()[0]!);
  const get = async (cid: CID): Promise<Uint8Array> => {
    const parts: Uint8Array[] = [];
    for await (const part of fetcher.blockstore.get(cid, { signal: AbortSignal.timeout(120_000) }))
      parts.push(part);
    return Buffer.concat(parts);
  };
  const start = performance.now();
  let bytes = 0;
  // Breadth-first over the DAG with BITSWAP_CONCURRENCY blocks wanted at once.
  let level: CID[] = [root];
  while (level.length > 0) {
    const next: CID[] = [];
    for (let i = 0; i < level.length; i += BITSWAP_CONCURRENCY) {
      const blocksOfBatch = await Promise.all(
        level.slice(i, i + BITSWAP_CONCURRENCY).map(async (c) => [c, await get(c)] as const),
      );
      for (const [cid, block] of blocksOfBatch) {
        bytes += block.byteLength;
        if (cid.code === dagPb.code) next.push(...dagPb.decode(block).Links.map((l) => l.Hash));
      }
    }
    level = next;
  }
  const ms = performance.now() - start;
  await fetcher.stop();
  await provider.stop();
  await rm(fetcherPath, { recursive: true, force: true });
  return mbps(bytes, ms);
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'splitup-helia-bench-'));
  try {
    const data = new Uint8Array(randomBytes(TOTAL));
    const file = join(dir, 'weights.bin');
    await writeFile(file, data);
    const providerStore = await WeightStore.open(join(dir, 'provider'));
    const addStart = performance.now();
    const root = await providerStore.addFile(file);
    const addMs = performance.now() - addStart;
    console.log(
      `added ${MIB} MiB as ${root} in ${(addMs / 1000).toFixed(1)} s (${mbps(TOTAL, addMs).toFixed(0)} MB/s)`,
    );
    const dagBlocks = await readDag(providerStore, root);
    const here = await providerHere(providerStore);
    // The child reads the same block files; the parent's store stays open only for reads.
    const child = await providerInChild(join(dir, 'provider'));
    const results: Record<string, number[]> = {
      'raw TCP': [],
      'raw libp2p stream': [],
      'bitswap (Helia)': [],
      'store only (floor)': [],
      'blocks over libp2p': [],
      'blocks direct': [],
      'blocks direct, 2 procs': [],
    };
    for (let round = 0; round < ROUNDS; round++) {
      results['raw TCP']!.push(await rawTcp(data));
      results['raw libp2p stream']!.push(await rawLibp2p(data));
      results['store only (floor)']!.push(await storeOnly(dir, dagBlocks, round));
      results['blocks over libp2p']!.push(await blocksFetch(dir, here, root, round, false));
      results['blocks direct']!.push(await blocksFetch(dir, here, root, round, true));
      results['blocks direct, 2 procs']!.push(await blocksFetch(dir, child, root, round, true));
      if (round < BITSWAP_ROUNDS) {
        // Bitswap's provider reads the same blockstore folder (files named by CID).
        results['bitswap (Helia)']!.push(await bitswapFetch(dir, root, round));
      }
    }
    await child.stop();
    await here.stop();
    await providerStore.stop();
    printResults(results, negotiated);
  } finally {
    // Retries: stopped stores may still be flushing files into the folder.
    await rm(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
  }
}

function printResults(results: Record<string, number[]>, transport: string): void {
  const base = median(results['raw libp2p stream']!);
  const bitswap = results['bitswap (Helia)']!.length ? median(results['bitswap (Helia)']!) : Number.NaN;
  const floor = median(results['store only (floor)']!);
  console.log(`fetch of ${MIB} MiB on loopback (medians; libp2p paths: ${transport}):`);
  console.log(`  ${''.padEnd(24)}   MB/s  of libp2p stream  of store floor  x bitswap`);
  for (const [name, runs] of Object.entries(results)) {
    if (runs.length === 0) continue;
    const m = median(runs);
    const pct = (of: number) => `${((100 * m) / of).toFixed(0)}%`;
    console.log(
      `  ${name.padEnd(24)} ${m.toFixed(0).padStart(6)}  ${pct(base).padStart(16)}  ${pct(floor).padStart(14)}  ${Number.isNaN(bitswap) ? '-'.padStart(9) : (m / bitswap).toFixed(1).padStart(9)}  (runs: ${runs.map((x) => x.toFixed(0)).join(' ')})`,
    );
  }
  console.log(
    '  blocks direct: a plain socket after a libp2p token (the default); 2 procs: the provider in its own process, as a remote peer runs',
  );
}

const providerAt = args.indexOf('--provider-child');
if (providerAt >= 0) await runProviderChild(args[providerAt + 1]!);
else await main();
