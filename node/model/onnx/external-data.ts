// External data (weights outside the protobuf): where a tensor's bytes live and whether that place
// is safe. A location must be a plain relative file name that stays inside the model's folder.
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { type GraphProto, type ModelProto, type TensorProto, TensorProto_DataLocation } from 'onnx-buf';
import { resolveInside } from '../../../storage/paths/safe-path.js';
import { SplitUpError } from '../../errors.js';
import { ExternalDataErrorCode, ModelErrorCode } from '../errors.js';
import { forEachGraph } from './graph-walk.js';

export interface ExternalRef {
  location: string;
  offset: number;
  /** Byte length; undefined means "to the end of the file" (allowed by the ONNX spec). */
  length: number | undefined;
}

export function isExternal(t: TensorProto): boolean {
  return t.dataLocation === TensorProto_DataLocation.EXTERNAL;
}

export function externalRef(t: TensorProto): ExternalRef {
  const kv = new Map(t.externalData.map((e) => [e.key, e.value]));
  const location = kv.get('location');
  if (!location) {
    throw new SplitUpError(
      ModelErrorCode.CORRUPT,
      `tensor '${t.name}' is marked external but has no location`,
      {
        tensor: t.name,
      },
    );
  }
  const offset = Number(kv.get('offset') ?? '0');
  const lengthText = kv.get('length');
  const length = lengthText === undefined ? undefined : Number(lengthText);
  if (
    !Number.isSafeInteger(offset) ||
    offset < 0 ||
    (length !== undefined && (!Number.isSafeInteger(length) || length < 0))
  ) {
    throw new SplitUpError(
      ModelErrorCode.CORRUPT,
      `tensor '${t.name}' has an invalid external-data offset or length`,
      {
        tensor: t.name,
      },
    );
  }
  return { location, offset, length };
}

/**
 * Resolves `location` inside `dir` (storage/paths: no absolute paths, `..` segments or symbolic
 * links). `owner` names what refers to the file in the error, e.g. "tensor 'W1'" or "task 't0'".
 */
export function safeExternalPath(dir: string, location: string, owner: string): string {
  const result = resolveInside(dir, location);
  if (!result.ok) {
    throw new SplitUpError(
      ExternalDataErrorCode.ESCAPE,
      `${owner} refers to '${location}', which ${result.reason}; external-data locations and bundle files must be relative file names inside ${dir}`,
      { owner, location, dir },
    );
  }
  return result.path;
}

function* allTensors(graph: GraphProto): Iterable<TensorProto> {
  yield* graph.initializer;
  for (const node of graph.node) {
    for (const a of node.attribute) {
      if (a.t) yield a.t;
      yield* a.tensors;
    }
  }
}

/**
 * Checks every external tensor of the model (subgraphs included): safe location, file present and
 * long enough. Returns the files read (absolute paths), so a bundle can check it lists them all.
 */
export function checkExternalData(model: ModelProto, dir: string): Set<string> {
  const sizes = new Map<string, number>();
  if (!model.graph) return new Set();
  forEachGraph(model.graph, (graph) => {
    for (const t of allTensors(graph)) {
      if (!isExternal(t)) continue;
      const ref = externalRef(t);
      const file = safeExternalPath(dir, ref.location, `tensor '${t.name}'`);
      let size = sizes.get(file);
      if (size === undefined) {
        try {
          size = statSync(file).size;
        } catch {
          throw new SplitUpError(
            ExternalDataErrorCode.MISSING,
            `tensor '${t.name}' stores its data in '${ref.location}', which does not exist in ${dir}`,
            { tensor: t.name, location: ref.location },
          );
        }
        sizes.set(file, size);
      }
      const end = ref.offset + (ref.length ?? 0);
      if (end > size) {
        throw new SplitUpError(
          ExternalDataErrorCode.TRUNCATED,
          `tensor '${t.name}' needs bytes ${ref.offset}..${end} of '${ref.location}', but the file has only ${size} bytes (truncated copy?)`,
          { tensor: t.name, location: ref.location, size, end },
        );
      }
    }
  });
  return new Set(sizes.keys());
}

/** Reads an external tensor's bytes (one tensor at a time, never the whole weights file). */
export function readExternalBytes(dir: string, t: TensorProto): Uint8Array {
  const ref = externalRef(t);
  const file = safeExternalPath(dir, ref.location, `tensor '${t.name}'`);
  const length = ref.length ?? statSync(file).size - ref.offset;
  const out = Buffer.allocUnsafe(length);
  const fd = openSync(file, 'r');
  try {
    let done = 0;
    while (done < length) {
      const n = readSync(fd, out, done, length - done, ref.offset + done);
      if (n === 0) {
        throw new SplitUpError(
          ExternalDataErrorCode.TRUNCATED,
          `'${ref.location}' ends before tensor '${t.name}' does`,
          {
            tensor: t.name,
          },
        );
      }
      done += n;
    }
  } finally {
    closeSync(fd);
  }
  return out;
}
