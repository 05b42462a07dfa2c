// datastore-fs with the same files, written without steno's per-write mkdir (see atomic-write.ts).
// Helia keeps one record per pinned block here, written one after another while pinning.
import type { AbortOptions } from '@libp2p/interface';
import { FsDatastore } from 'datastore-fs';
import { AtomicWriter } from './atomic-write.js';

/** interface-datastore's Key, without depending on that package directly. */
type Key = Parameters<FsDatastore['put']>[0];

export class WeightDatastore extends FsDatastore {
  private readonly writer = new AtomicWriter();

  override async put(key: Key, val: Uint8Array, options?: AbortOptions): Promise<Key> {
    await this.writer.write(this._encode(key).file, val, options?.signal);
    return key;
  }
}
