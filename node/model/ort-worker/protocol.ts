// Messages between deploy and the worker thread that runs its blocking onnxruntime steps
// (session creation blocks the event loop for a minute on a multi-GB model).
import type { InferredShapes } from '../shapes/infer.js';
import type { ResolvedInputs } from '../shapes/input-shapes.js';

export type OrtJob =
  | { kind: 'optimize'; sourcePath: string; outDir: string }
  /** `model` is the serialized (already repaired) optimized model; `modelPath` its location. */
  | { kind: 'shapes'; model: Uint8Array; modelPath: string; inputs: ResolvedInputs };

export type OrtJobResult =
  | { ok: true; kind: 'optimize'; path: string }
  | { ok: true; kind: 'shapes'; shapes: InferredShapes }
  | { ok: false; code: string | undefined; message: string; details: Record<string, unknown> | undefined };
