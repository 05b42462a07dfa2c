// blockstore-fs with the same files (one per block, same sharded names), faster whole-block I/O.
// Its get streams a block in 64 KiB chunks that every caller concatenates again, and its put goes
// through steno (a mkdir, a temp file and a rename per block, serialised per file name). Blocks are
// at most a few MiB, so one readFile and one writeFile + rename each cost a fraction of that, and
// any Helia over blockstore-fs still reads this folder.
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AbortOptions } from '@libp2p/interface';
import { FsBlockstore } from 'blockstore-fs';
import { NextToLast, type ShardingStrategy } from 'blockstore-fs/sharding';
import type { CID } from 'multiformats/cid';

export class WeightBlockstore extends FsBlockstore {
  /** blockstore-fs's default layout, handed to the parent too so both name files the same. */
  private readonly sharding: ShardingStrategy;
  /** Shard folders known to exist: a mkdir per put costs as much as the write of a small block. */
  private readonly madeDirs = new Set<string>();

  constructor(location: string) {
    const sharding = new NextToLast();
    super(location, { shardingStrategy: sharding });
    this.sharding = sharding;
  }

  override async put(key: CID, val: Uint8Array, options?: AbortOptions): Promise<CID> {
    options?.signal?.throwIfAborted();
    const { dir, file } = this.sharding.encode(key);
    const folder = join(this.path, dir);
    if (!this.madeDirs.has(folder)) {
      await mkdir(folder, { recursive: true });
      this.madeDirs.add(folder);
    }
    // Written aside, then renamed: a reader never sees half a block, even after a crash. The name
    // is unique so concurrent puts of the same block cannot clobber each other's partial file.
    const partial = join(folder, `.${file}.${randomBytes(6).toString('hex')}.tmp`);
    try {
      await writeFile(partial, val, options?.signal ? { signal: options.signal } : {});
      await rename(partial, join(folder, file));
    } catch (err) {
      await rm(partial, { force: true });
      throw err;
    }
    return key;
  }

  override async *get(key: CID, options?: AbortOptions): AsyncGenerator<Uint8Array> {
    options?.signal?.throwIfAborted();
    const { dir, file } = this.sharding.encode(key);
    let bytes: Uint8Array;
    try {
      bytes = await readFile(join(this.path, dir, file), options?.signal ? { signal: options.signal } : {});
    } catch (err) {
      // The parent raises interface-store's NotFoundError, the error Helia expects.
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      yield* super.get(key, options);
      return;
    }
    yield bytes;
  }
}
