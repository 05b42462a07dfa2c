// Saves an onnxruntime-optimized copy of a model. Tasks are cut from this copy, so every fusion ORT
// would make on the whole model is already made and no cut can separate one (bit-identical results).
// The model keeps its own symbolic dims here: fixing them first would let ORT constant-fold Shape
// ops into fixed sizes and break dims that must stay dynamic (a KV cache grows every step).
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { SplitUpError } from '../../errors.js';
import { ModelErrorCode } from '../errors.js';

/** The level deploy records in the manifest and every runner uses. 'basic' makes only
 * provider-independent rewrites (constant folding, redundant-node elimination, Conv+BN style
 * fusions), so the optimized tasks stay portable; 'extended'/'all' add CPU-specific fusions. */
export const DEPLOY_OPTIMIZATION_LEVEL = 'basic' as const;

const OPTIMIZED_MODEL_FILE = 'optimized.onnx';
const OPTIMIZED_WEIGHTS_FILE = 'optimized.weights';
/** Initializers at least this large go to the external weights file (keeps the protobuf under 2 GB). */
export const EXTERNAL_INITIALIZER_MIN_BYTES = 1024;

/** Options every session we create uses: several sessions share a process, so no spinning. */
export function baseSessionOptions(
  level: ort.InferenceSession.SessionOptions['graphOptimizationLevel'],
): ort.InferenceSession.SessionOptions {
  return {
    graphOptimizationLevel: level,
    executionProviders: ['cpu'],
    extra: { session: { intra_op: { allow_spinning: '0' } } },
  };
}

export async function optimizeModel(
  sourcePath: string,
  outDir: string,
  level: 'disabled' | 'basic' | 'extended' | 'all' = DEPLOY_OPTIMIZATION_LEVEL,
): Promise<string> {
  const out = join(outDir, OPTIMIZED_MODEL_FILE);
  const options = baseSessionOptions(level);
  options.optimizedModelFilePath = out;
  options.extra = {
    session: {
      intra_op: { allow_spinning: '0' },
      optimized_model_external_initializers_file_name: OPTIMIZED_WEIGHTS_FILE,
      optimized_model_external_initializers_min_size_in_bytes: String(EXTERNAL_INITIALIZER_MIN_BYTES),
    },
  };
  try {
    const session = await ort.InferenceSession.create(sourcePath, options);
    await session.release();
  } catch (err) {
    throw new SplitUpError(
      ModelErrorCode.INVALID,
      `onnxruntime cannot load ${sourcePath}: ${(err as Error).message}`,
      { file: sourcePath },
      { cause: err },
    );
  }
  return out;
}
