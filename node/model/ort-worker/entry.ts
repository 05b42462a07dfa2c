// Worker-thread side: runs one onnxruntime job and posts its result (errors keep their code).
import { parentPort, workerData } from 'node:worker_threads';
import { fromBinary } from '@bufbuild/protobuf';
import { ModelProtoSchema } from 'onnx-buf';
import { isCodedError } from '../../errors.js';
import { optimizeModel } from '../onnx/optimize.js';
import { inferShapes } from '../shapes/infer.js';
import type { OrtJob, OrtJobResult } from './protocol.js';

async function run(job: OrtJob): Promise<OrtJobResult> {
  try {
    if (job.kind === 'optimize')
      return { ok: true, kind: 'optimize', path: await optimizeModel(job.sourcePath, job.outDir) };
    const model = fromBinary(ModelProtoSchema, job.model);
    return { ok: true, kind: 'shapes', shapes: await inferShapes(model, job.modelPath, job.inputs) };
  } catch (err) {
    return {
      ok: false,
      code: isCodedError(err) ? err.code : undefined,
      message: err instanceof Error ? err.message : String(err),
      details: isCodedError(err) ? err.details : undefined,
    };
  }
}

parentPort?.postMessage(await run((workerData as { job: OrtJob }).job));
