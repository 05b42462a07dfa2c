// Runs a blocking onnxruntime job in a worker thread so the main thread stays free to report
// progress ("still optimizing, 40 s") while a multi-GB model loads.
import { Worker } from 'node:worker_threads';
import { isCodedError, SplitUpError } from '../../errors.js';
import { ModelErrorCode } from '../errors.js';
import type { OrtJob, OrtJobResult } from './protocol.js';

/** Registers tsx inside the worker, then imports the entry (shared with the engine's workers). */
const BOOT_URL = new URL('../../engine/worker-boot.mjs', import.meta.url);
const ENTRY_URL = new URL('./entry.ts', import.meta.url).href;
/** How often a still-running job is reported. */
export const HEARTBEAT_MS = 10_000;

export async function runOrtJob<K extends OrtJob['kind']>(
  job: Extract<OrtJob, { kind: K }>,
  heartbeat?: (elapsedSeconds: number) => void,
): Promise<Extract<OrtJobResult, { ok: true; kind: K }>> {
  const started = Date.now();
  // No inherited --import flags: they would load .ts files before the boot file registers tsx.
  const worker = new Worker(BOOT_URL, { workerData: { entry: ENTRY_URL, job }, execArgv: [] });
  const timer = heartbeat
    ? setInterval(() => heartbeat(Math.round((Date.now() - started) / 1000)), HEARTBEAT_MS)
    : undefined;
  try {
    const result = await new Promise<OrtJobResult>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
      worker.once('exit', (code) =>
        reject(new SplitUpError(ModelErrorCode.INVALID, `the onnxruntime worker exited with code ${code}`)),
      );
    });
    if (!result.ok) {
      throw new SplitUpError(result.code ?? ModelErrorCode.INVALID, result.message, result.details);
    }
    return result as Extract<OrtJobResult, { ok: true; kind: K }>;
  } catch (err) {
    if (isCodedError(err)) throw err;
    throw new SplitUpError(
      ModelErrorCode.INVALID,
      `onnxruntime failed on the model: ${err instanceof Error ? err.message : String(err)}`,
      {},
      { cause: err },
    );
  } finally {
    if (timer) clearInterval(timer);
    await worker.terminate();
  }
}
