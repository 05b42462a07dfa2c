// blockstore-fs with the same files (one per block, same sharded names), faster whole-block I/O.
// Its get streams a block in 64 KiB chunks that every caller concatenates again (one readFile
// here), and its put runs a mkdir per block (see atomic-write.ts). Any Helia over blockstore-fs
// still reads this folder.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AbortOptions } from '@libp2p/interface';
import { FsBlockstore } from 'blockstore-fs';
import { NextToLast, type ShardingStrategy } from 'blockstore-fs/sharding';
import type { CID } from 'multiformats/cid';
import { AtomicWriter } from './atomic-write.js';

export class WeightBlockstore extends FsBlockstore {
  /** blockstore-fs's default layout, handed to the parent too so both name files the same. */
  private readonly sharding: ShardingStrategy;
  private readonly writer = new AtomicWriter();

  constructor(location: string) {
    const sharding = new NextToLast();
    super(location, { shardingStrategy: sharding });
    this.sharding = sharding;
  }

  override async put(key: CID, val: Uint8Array, options?: AbortOptions): Promise<CID> {
    const { dir, file } = this.sharding.encode(key);
    await this.writer.write(join(this.path, dir, file), val, options?.signal);
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
