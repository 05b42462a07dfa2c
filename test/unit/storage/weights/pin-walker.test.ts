import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as dagPb from '@ipld/dag-pb';
import * as raw from 'multiformats/codecs/raw';
import { WeightStore, WeightStoreError, WeightStoreErrorCode } from '../../../../storage/weights/index.js';
import { dagCids, importDeep } from '../../../support/deep-dag.js';

describe('pinning with the links-only walker', () => {
  let dir: string;
  let store: WeightStore;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'splitup-pin-'));
    store = await WeightStore.open(join(dir, 'data'));
  });

  after(async () => {
    await store.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('pins every block of a multi-level DAG, leaves included, and nothing else', async () => {
    const root = await importDeep(store, randomBytes(40 * 1024));
    const cids = await dagCids(store, root);
    assert.ok(cids.filter((c) => c.code === dagPb.code).length > 2, 'the DAG has inner nodes below the root');
    assert.equal(cids.filter((c) => c.code === raw.code).length, 40);
    const other = await importDeep(store, randomBytes(3 * 1024));
    await store.pin(root);
    for (const cid of cids) assert.ok(await store.helia.pins.isPinned(cid), `${cid} is pinned`);
    assert.equal(await store.isPinned(other), false);
    assert.ok(await store.isPinned(root));
    // A block inside the pin is not a pinned root: a fetch of a DAG rooted there is not done.
    const inner = cids.find((c) => c.code === dagPb.code && !c.equals(root))!;
    assert.equal(await store.isPinned(inner), false);
    assert.deepEqual(
      (await store.pinnedRoots()).map(String).filter((c) => c === root.toString()),
      [root.toString()],
    );
    // Helia's own unpin (its default walker, which reads every block) undoes exactly these records.
    for await (const _ of store.helia.pins.rm(root)) {
      // walking to the end is what unpins
    }
    for (const cid of cids) assert.equal(await store.helia.pins.isPinned(cid), false, `${cid} is unpinned`);
  });

  it('refuses to pin a DAG with a missing leaf', async () => {
    const root = await importDeep(store, randomBytes(20 * 1024));
    const leaf = (await dagCids(store, root)).find((c) => c.code === raw.code)!;
    await store.helia.blockstore.delete(leaf);
    await assert.rejects(
      store.pin(root),
      (err: unknown) => err instanceof WeightStoreError && err.code === WeightStoreErrorCode.MISSING_BLOCK,
    );
    assert.equal(await store.isPinned(root), false);
  });

  it('pins a single raw block (a small file is one leaf)', async () => {
    const cid = await store.addBytes(randomBytes(100));
    assert.equal(cid.code, raw.code);
    assert.ok(await store.isPinned(cid));
  });
});
