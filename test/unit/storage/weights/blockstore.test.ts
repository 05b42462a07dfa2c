import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FsBlockstore } from 'blockstore-fs';
import { CID } from 'multiformats/cid';
import * as raw from 'multiformats/codecs/raw';
import { sha256 } from 'multiformats/hashes/sha2';
import { WeightBlockstore } from '../../../../storage/weights/blockstore.js';

async function block(size: number): Promise<{ cid: CID; bytes: Uint8Array }> {
  const bytes = new Uint8Array(randomBytes(size));
  return { cid: CID.createV1(raw.code, await sha256.digest(bytes)), bytes };
}

async function read(store: FsBlockstore, cid: CID): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for await (const part of store.get(cid)) parts.push(part);
  return Buffer.concat(parts);
}

describe('weight blockstore (blockstore-fs layout, whole-block I/O)', () => {
  let dir: string;
  let ours: WeightBlockstore;
  let upstream: FsBlockstore;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'splitup-blockstore-'));
    ours = new WeightBlockstore(dir);
    upstream = new FsBlockstore(dir);
    await ours.open();
  });

  after(async () => rm(dir, { recursive: true, force: true }));

  it('writes files blockstore-fs reads, and reads files blockstore-fs wrote', async () => {
    const a = await block(1024 * 1024 + 7);
    const b = await block(300_000);
    await ours.put(a.cid, a.bytes);
    await upstream.put(b.cid, b.bytes);
    assert.ok((await read(upstream, a.cid)).equals(a.bytes));
    assert.ok((await read(ours, b.cid)).equals(b.bytes));
    assert.ok(await upstream.has(a.cid));
    assert.ok(await ours.has(b.cid));
  });

  it('leaves no partial files behind, also when the same block is put concurrently', async () => {
    const c = await block(200_000);
    await Promise.all([ours.put(c.cid, c.bytes), ours.put(c.cid, c.bytes), ours.put(c.cid, c.bytes)]);
    assert.ok((await read(ours, c.cid)).equals(c.bytes));
    const files = (await readdir(dir, { recursive: true })).map(String);
    assert.deepEqual(
      files.filter((f) => f.endsWith('.tmp')),
      [],
    );
  });

  it('reports a missing block with the NotFoundError Helia expects', async () => {
    const d = await block(10);
    await assert.rejects(read(ours, d.cid), (err: Error) => err.name === 'NotFoundError');
  });
});
