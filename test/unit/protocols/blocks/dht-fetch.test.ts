// A worker fetches a task's files by CID from a provider it finds over the private DHT, using the
// peer's own node factory (the provider with the fast noise crypto, the worker with stock noise).
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { generateKeyPair } from '@libp2p/crypto/keys';
import { noise } from '@libp2p/noise';
import { createPeer, type SplitUpPeer } from '../../../../node/peer/create-peer.js';
import { type Blocks, BlocksErrorCode, blocks, fetchTaskFiles } from '../../../../protocols/blocks/index.js';
import { CHUNK_BYTES, WeightStore } from '../../../../storage/weights/index.js';

/** Provider records need a moment to propagate; tests poll instead of asserting timings. */
const PROVIDE_ATTEMPTS = 20;
const PROVIDE_RETRY_MS = 250;

let dir: string;
let provider: SplitUpPeer<{ blocks: Blocks }>;
let worker: SplitUpPeer<{ blocks: Blocks }>;
let providerStore: WeightStore;
let workerStore: WeightStore;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'splitup-dht-fetch-'));
  providerStore = await WeightStore.open(join(dir, 'provider'));
  workerStore = await WeightStore.open(join(dir, 'worker'));
  provider = await createPeer({
    privateKey: await generateKeyPair('Ed25519'),
    connectionEncrypters: [noise()],
    services: { blocks: blocks({ store: providerStore }) },
  });
  worker = await createPeer({
    privateKey: await generateKeyPair('Ed25519'),
    services: { blocks: blocks({ store: workerStore }) },
  });
  await worker.dial(provider.getMultiaddrs()[0]!, { signal: AbortSignal.timeout(10_000) });
});

after(async () => {
  await worker.stop();
  await provider.stop();
  await providerStore.stop();
  await workerStore.stop();
  await rm(dir, { recursive: true, force: true });
});

test('a worker finds the provider over the DHT, fetches, verifies and assembles the task files', async () => {
  const bytes = randomBytes(3 * CHUNK_BYTES + 99);
  const path = join(dir, 'w.bin');
  await writeFile(path, bytes);
  const root = await providerStore.addFile(path);
  for (let attempt = 1; ; attempt++) {
    try {
      await provider.services.blocks.provide(root, { signal: AbortSignal.timeout(5_000) });
      break;
    } catch (err) {
      if (attempt >= PROVIDE_ATTEMPTS) throw err; // the DHT routing table fills after identify
      await new Promise((r) => setTimeout(r, PROVIDE_RETRY_MS));
    }
  }
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const progress: number[] = [];
  const paths = await fetchTaskFiles(
    [{ file: 'weights/w.bin', sha256, cid: root.toString() }],
    { store: workerStore, blocks: worker.services.blocks },
    join(dir, 'task'),
    { onProgress: (p) => progress.push(p.bytes) },
  );
  assert.ok((await readFile(paths['weights/w.bin']!)).equals(bytes));
  assert.ok(await workerStore.isPinned(root));
  assert.ok(progress.length > 0);
  // A second call finds the file pinned and fetches nothing.
  const cached: boolean[] = [];
  await fetchTaskFiles(
    [{ file: 'weights/w.bin', sha256, cid: root.toString() }],
    { store: workerStore, blocks: worker.services.blocks },
    join(dir, 'task'),
    { onProgress: (p) => cached.push(p.cached) },
  );
  assert.deepEqual(cached, [true]);
});

test('a task file without a CID is refused with NO_CID', async () => {
  await assert.rejects(
    fetchTaskFiles(
      [{ file: 'x.onnx', sha256: '0'.repeat(64) }],
      { store: workerStore, blocks: worker.services.blocks },
      dir,
    ),
    (err: { code?: string }) => err.code === BlocksErrorCode.NO_CID,
  );
});
