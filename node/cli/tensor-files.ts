// `--input name=file.npy` arguments and `.npy` output folders, shared by `run` and `infer`.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Tensor } from '../../storage/tensors/tensor.js';
import { SplitUpError } from '../errors.js';
import { readNpyFile, writeNpyFile } from '../tensor/npy-file.js';
import { tensorDataSha256 } from '../tensor/tensor-hash.js';
import { CliErrorCode } from './errors.js';

/** Parses `name=file` specs; throws CLI_BAD_ARGS naming the flag on a malformed or repeated one. */
export function parseNamedFiles(specs: readonly string[], flag: string, usage: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const spec of specs) {
    const eq = spec.indexOf('=');
    if (eq <= 0 || eq === spec.length - 1)
      throw new SplitUpError(CliErrorCode.BAD_ARGS, `${flag} '${spec}' must be name=file.npy\n\n${usage}`);
    const name = spec.slice(0, eq);
    if (files.has(name))
      throw new SplitUpError(CliErrorCode.BAD_ARGS, `${flag} '${name}' is given twice\n\n${usage}`);
    files.set(name, spec.slice(eq + 1));
  }
  return files;
}

export async function readNamedNpy(paths: ReadonlyMap<string, string>): Promise<Record<string, Tensor>> {
  const tensors: Record<string, Tensor> = {};
  for (const [name, path] of paths) tensors[name] = await readNpyFile(path);
  return tensors;
}

/** A file name for an output: ONNX names may hold '/', ':' and the like. */
export function outputFileNames(names: string[]): Map<string, string> {
  const used = new Set<string>();
  const files = new Map<string, string>();
  for (const name of names) {
    const base = name.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '_') || 'output';
    let file = `${base}.npy`;
    for (let i = 2; used.has(file); i++) file = `${base}_${i}.npy`;
    used.add(file);
    files.set(name, file);
  }
  return files;
}

export interface WrittenTensor {
  file: string;
  dtype: string;
  shape: number[];
  sha256: string;
}

/** Writes each tensor as `<dir>/<name>.npy`; returns what was written, by tensor name. */
export async function writeNamedNpy(
  dir: string,
  tensors: Record<string, Tensor>,
): Promise<Record<string, WrittenTensor>> {
  try {
    await mkdir(dir, { recursive: true });
  } catch (err) {
    throw new SplitUpError(
      CliErrorCode.OUT_DIR,
      `cannot create output folder ${dir}: ${(err as Error).message}`,
    );
  }
  const files = outputFileNames(Object.keys(tensors));
  const written: Record<string, WrittenTensor> = {};
  for (const [name, tensor] of Object.entries(tensors)) {
    const file = join(dir, files.get(name)!);
    await writeNpyFile(file, tensor);
    written[name] = { file, dtype: tensor.dtype, shape: tensor.shape, sha256: tensorDataSha256(tensor) };
  }
  return written;
}
