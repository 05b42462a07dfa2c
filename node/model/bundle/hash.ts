// sha256 of bundle files: streamed through one reused buffer, so multi-GB weights never sit in
// memory and the event loop (a worker's heartbeats) keeps turning between chunks. Every hash of a
// bundle file goes through here, which is what lets a test count them (observeFileHashes).
import { createHash } from 'node:crypto';
import { open, readFile } from 'node:fs/promises';

/** Bytes read per step: large enough that syscalls do not dominate, small enough to share the loop. */
const HASH_CHUNK_BYTES = 8 * 1024 * 1024;

export type FileHashObserver = (path: string) => void;
const observers = new Set<FileHashObserver>();

/**
 * Calls `observer` with the path of every file hashed from now on, until the returned function is
 * called. For tests and benches that check a file is read once, not for control flow.
 */
export function observeFileHashes(observer: FileHashObserver): () => void {
  observers.add(observer);
  return () => observers.delete(observer);
}

function hashed(path: string): void {
  for (const o of observers) o(path);
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** sha256 (hex) of a file's content. */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  const handle = await open(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(HASH_CHUNK_BYTES);
    for (;;) {
      const { bytesRead } = await handle.read(buf, 0, buf.length, null);
      if (bytesRead === 0) break;
      hash.update(buf.subarray(0, bytesRead));
    }
  } finally {
    await handle.close();
  }
  hashed(path);
  return hash.digest('hex');
}

/** A small file's bytes and their sha256, read once (a task's .onnx, whose bytes are parsed too). */
export async function readHashedFile(path: string): Promise<{ bytes: Buffer; sha256: string }> {
  const bytes = await readFile(path);
  hashed(path);
  return { bytes, sha256: sha256Hex(bytes) };
}
