// Reading and writing .npy files on disk, with typed errors for the file system's failures.
import { readFile, writeFile } from 'node:fs/promises';
import type { Tensor } from '../../storage/tensors/tensor.js';
import { SplitUpError } from '../errors.js';
import { NpyErrorCode } from './errors.js';
import { decodeNpy, encodeNpy } from './npy.js';

export async function readNpyFile(path: string): Promise<Tensor> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (err) {
    throw new SplitUpError(
      NpyErrorCode.READ_FAILED,
      `cannot read ${path}: ${(err as Error).message}`,
      { path },
      { cause: err },
    );
  }
  // Copy out of the Buffer into an exactly-sized buffer the engine may transfer to a worker.
  const tensor = decodeNpy(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), path);
  return { ...tensor, data: tensor.data.slice() };
}

export async function writeNpyFile(path: string, tensor: Tensor): Promise<void> {
  try {
    await writeFile(path, encodeNpy(tensor));
  } catch (err) {
    if (err instanceof SplitUpError) throw err;
    throw new SplitUpError(
      NpyErrorCode.WRITE_FAILED,
      `cannot write ${path}: ${(err as Error).message}`,
      { path },
      { cause: err },
    );
  }
}
