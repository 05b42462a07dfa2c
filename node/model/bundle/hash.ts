// sha256 of a file, streamed so multi-GB weights files never sit in memory.
import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync } from 'node:fs';

const HASH_CHUNK_BYTES = 8 * 1024 * 1024;

export function sha256File(path: string): string {
  const hash = createHash('sha256');
  const buf = Buffer.allocUnsafe(HASH_CHUNK_BYTES);
  const fd = openSync(path, 'r');
  try {
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      hash.update(buf.subarray(0, n));
    }
  } finally {
    closeSync(fd);
  }
  return hash.digest('hex');
}
