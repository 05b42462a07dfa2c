import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CID } from 'multiformats/cid';
import * as raw from 'multiformats/codecs/raw';
import { sha256 } from 'multiformats/hashes/sha2';
import { BundleErrorCode } from '../../../../storage/bundle/errors.js';
import { isCodedError } from '../../../../storage/errors/index.js';
import {
  CHUNK_BYTES,
  publishBundle,
  verifyBlock,
  WeightStore,
  WeightStoreError,
  WeightStoreErrorCode,
} from '../../../../storage/weights/index.js';

const code = (c: string) => (err: unknown) => err instanceof WeightStoreError && err.code === c;
const coded = (c: string) => (err: unknown) => isCodedError(err, c);
const hex = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** A manifest of the given tasks with every field publish checks (its shape, not its DAG). */
function manifestOf(
  tasks: { id: string; file: string; bytes: Uint8Array; weights: { file: string; bytes: Uint8Array }[] }[],
) {
  return {
    schema: 'splitup.bundle/1',
    model: { name: 'm', sourceSha256: '0'.repeat(64), inputs: [], outputs: [], declaredShapes: {} },
    runtime: { graphOptimizationLevel: 'basic' },
    targetVramBytes: 1,
    tasks: tasks.map((t) => ({
      id: t.id,
      file: t.file,
      sha256: hex(t.bytes),
      inputs: [],
      outputs: [],
      state: [],
      vramBytes: 1,
      computeUnits: 1,
      weights: t.weights.map((w) => ({ file: w.file, bytes: w.bytes.length, sha256: hex(w.bytes) })),
      nodeCount: 1,
    })),
    connections: [],
  };
}

describe('weight store (offline Helia)', () => {
  let dir: string;
  let store: WeightStore;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'splitup-weights-'));
    store = await WeightStore.open(join(dir, 'data'));
  });

  after(async () => {
    await store.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('gives small files the standard CIDv1 raw-leaf CID', async () => {
    const cid = await store.addBytes(new TextEncoder().encode('hello world'));
    assert.equal(cid.toString(), 'bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e');
  });

  it('adds a multi-chunk file, pins it, and assembles the same bytes with a checked sha256', async () => {
    const bytes = randomBytes(2 * CHUNK_BYTES + 12345);
    const path = join(dir, 'weights.bin');
    await writeFile(path, bytes);
    const progress: number[] = [];
    const root = await store.addFile(path, { onProgress: (p) => progress.push(p.bytes) });
    assert.equal(root.version, 1);
    assert.equal(progress.at(-1), bytes.byteLength);
    assert.ok(await store.isPinned(root));
    const sha = createHash('sha256').update(bytes).digest('hex');
    const out = await store.exportFile(root, { sha256: sha });
    assert.ok((await readFile(out)).equals(bytes));
    await assert.rejects(
      store.exportFile(root, { sha256: '0'.repeat(64) }),
      code(WeightStoreErrorCode.FILE_HASH_MISMATCH),
    );
    // Same bytes, same CID: content addressing is deterministic.
    assert.ok((await store.addBytes(bytes)).equals(root));
  });

  it('refuses a block whose content does not match its CID, and keeps working', async () => {
    const good = new TextEncoder().encode('block');
    const cid = CID.createV1(raw.code, await sha256.digest(good));
    await assert.rejects(
      store.putVerifiedBlock(cid, new TextEncoder().encode('forged')),
      code(WeightStoreErrorCode.BLOCK_HASH_MISMATCH),
    );
    assert.equal(await store.hasBlock(cid), false);
    await store.putVerifiedBlock(cid, good);
    assert.ok(Buffer.from(await store.getBlock(cid)).equals(good));
    assert.throws(
      () => verifyBlock(CID.parse('bafkqaaa'), new Uint8Array()),
      code(WeightStoreErrorCode.UNSUPPORTED_HASH),
    );
  });

  it('reports a block it does not hold as MISSING_BLOCK', async () => {
    const cid = CID.createV1(raw.code, await sha256.digest(randomBytes(8)));
    await assert.rejects(store.getBlock(cid), code(WeightStoreErrorCode.MISSING_BLOCK));
  });

  it('publishes a bundle: every task file gets its CID in the manifest', async () => {
    const bundle = join(dir, 'bundle');
    await rm(bundle, { recursive: true, force: true });
    await mkdir(bundle);
    const t0 = randomBytes(1000);
    const w = randomBytes(5000);
    await writeFile(join(bundle, 't0.onnx'), t0);
    await writeFile(join(bundle, 'w.bin'), w);
    const manifest = manifestOf([
      { id: 't0', file: 't0.onnx', bytes: t0, weights: [{ file: 'w.bin', bytes: w }] },
      { id: 't1', file: 't0.onnx', bytes: t0, weights: [] },
    ]);
    await writeFile(join(bundle, 'manifest.json'), JSON.stringify(manifest));
    const { cids, bundleCid } = await publishBundle(store, bundle);
    const written = JSON.parse(await readFile(join(bundle, 'manifest.json'), 'utf8'));
    // The bundle CID is the manifest as written, CIDs included: what a worker fetches first.
    assert.equal(bundleCid, (await store.addFile(join(bundle, 'manifest.json'))).toString());
    assert.ok(await store.isPinned(CID.parse(bundleCid)));
    assert.equal(written.tasks[0].cid, cids['t0.onnx']);
    assert.equal(written.tasks[1].cid, cids['t0.onnx']);
    assert.equal(written.tasks[0].weights[0].cid, cids['w.bin']);
    assert.equal(written.model.name, 'm');
    assert.ok(await store.isPinned(CID.parse(cids['w.bin']!)));
  });

  it('rejects a bundle whose files escape the bundle folder', async () => {
    const bundle = join(dir, 'evil');
    await mkdir(bundle, { recursive: true });
    const x = randomBytes(8);
    await writeFile(
      join(bundle, 'manifest.json'),
      JSON.stringify(manifestOf([{ id: 't', file: '../x', bytes: x, weights: [] }])),
    );
    await assert.rejects(publishBundle(store, bundle), code(WeightStoreErrorCode.BAD_BUNDLE));
    await writeFile(join(bundle, 'manifest.json'), '{not json');
    await assert.rejects(publishBundle(store, bundle), coded(BundleErrorCode.MANIFEST_INVALID));
    // A manifest of the wrong shape (a task without its hash) is refused before anything is added.
    await writeFile(
      join(bundle, 'manifest.json'),
      JSON.stringify({ schema: 'splitup.bundle/1', tasks: [{ id: 't', file: 'x', weights: [] }] }),
    );
    await assert.rejects(publishBundle(store, bundle), coded(BundleErrorCode.MANIFEST_INVALID));
  });
});
