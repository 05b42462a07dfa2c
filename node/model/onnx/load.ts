// Reads an ONNX model file into an onnx-buf ModelProto, with clear errors for missing, truncated
// or corrupt files. Weights stored as external data stay on disk (only their locations are read),
// so a model over the 2 GB protobuf cap loads without its weights in memory.
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fromBinary } from '@bufbuild/protobuf';
import { type ModelProto, ModelProtoSchema } from 'onnx-buf';
import { SplitUpError } from '../../errors.js';
import { ModelErrorCode } from '../errors.js';
import { checkExternalData } from './external-data.js';
import { assertGraphWellFormed } from './well-formed.js';

export interface LoadedModel {
  model: ModelProto;
  /** Absolute path of the .onnx file. */
  path: string;
  /** Folder external-data locations are relative to. */
  dir: string;
  /** sha256 (hex) of the .onnx file itself. */
  sha256: string;
  fileBytes: number;
}

/** Protobuf decoder messages that mean "the bytes stopped early". */
const TRUNCATION_MESSAGES = /premature EOF|unexpected end|truncated/i;

function parseModelBytes(bytes: Uint8Array, label: string): ModelProto {
  let model: ModelProto;
  try {
    model = fromBinary(ModelProtoSchema, bytes);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (TRUNCATION_MESSAGES.test(message)) {
      throw new SplitUpError(
        ModelErrorCode.TRUNCATED,
        `${label} is truncated: the ONNX protobuf ends early (${message}); copy the file again`,
        { file: label },
        { cause: err },
      );
    }
    throw new SplitUpError(
      ModelErrorCode.CORRUPT,
      `${label} is not a valid ONNX model: the protobuf does not decode (${message})`,
      { file: label },
      { cause: err },
    );
  }
  if (!model.graph || model.graph.node.length === 0 || model.opsetImport.length === 0) {
    throw new SplitUpError(
      ModelErrorCode.CORRUPT,
      `${label} is not a valid ONNX model: it has no graph nodes or no opset imports`,
      { file: label },
    );
  }
  return model;
}

export interface CheckedModel {
  model: ModelProto;
  /** Folder external-data locations are relative to. */
  dir: string;
  /** External-data files the model reads (absolute paths). */
  externalFiles: Set<string>;
}

/**
 * Decodes and checks the bytes of the model file at `path` (absolute): graph well-formed, external
 * data inside its folder and complete.
 */
export function checkModelBytes(bytes: Uint8Array, path: string): CheckedModel {
  const model = parseModelBytes(bytes, path);
  const graph = model.graph;
  if (graph) assertGraphWellFormed(graph, path);
  const dir = dirname(path);
  return { model, dir, externalFiles: checkExternalData(model, dir) };
}

/** Loads, decodes and checks a model file (see checkModelBytes). */
export function loadOnnxModel(path: string): LoadedModel {
  const abs = resolve(path);
  const notFound = (why: string) =>
    new SplitUpError(ModelErrorCode.NOT_FOUND, `cannot read model file ${abs}: ${why}`, { file: abs });
  let bytes: Buffer;
  try {
    if (!statSync(abs).isFile()) throw notFound('not a regular file');
    bytes = readFileSync(abs);
  } catch (err) {
    throw err instanceof SplitUpError ? err : notFound((err as Error).message);
  }
  const { model, dir } = checkModelBytes(bytes, abs);
  return {
    model,
    path: abs,
    dir,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    fileBytes: bytes.length,
  };
}
