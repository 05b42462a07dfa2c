// Writes a file so that readers see either nothing or all of it: the bytes go to a uniquely named
// file beside it, which is then renamed over the target. Replaces steno in blockstore-fs and
// datastore-fs, which also runs a mkdir on every write: a new file costs ~0.3-1 ms here, and a
// weight fetch creates two per 1 MiB block (the block and its pin record).
import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

export class AtomicWriter {
  /** Folders known to exist. */
  private readonly made = new Set<string>();

  async write(path: string, bytes: Uint8Array, signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    const folder = dirname(path);
    if (!this.made.has(folder)) {
      await mkdir(folder, { recursive: true });
      this.made.add(folder);
    }
    // Unique, so concurrent writes of the same key cannot clobber each other's partial file.
    const partial = join(folder, `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
    try {
      await writeFile(partial, bytes, signal ? { signal } : {});
      await rename(partial, path);
    } catch (err) {
      await rm(partial, { force: true });
      throw err;
    }
  }
}
