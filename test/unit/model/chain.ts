// Runs a bundle's tasks one after another in onnxruntime and the source model whole, for
// bit-identity checks in tests.
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { readSourceRecord } from '../../../node/model/bundle/source-record.js';
import type { BundleManifest } from '../../../storage/bundle/manifest.js';

const OPTIONS = (
  level: BundleManifest['runtime']['graphOptimizationLevel'],
): ort.InferenceSession.SessionOptions => ({
  graphOptimizationLevel: level,
  extra: { session: { intra_op: { allow_spinning: '0' } } },
});

/** Runs the source model deploy recorded for the bundle in `dir`. */
export async function runWhole(
  dir: string,
  manifest: BundleManifest,
  feeds: Record<string, ort.Tensor>,
): Promise<Record<string, ort.Tensor>> {
  const s = await ort.InferenceSession.create(
    readSourceRecord(dir) ?? '(no source record)',
    OPTIONS(manifest.runtime.graphOptimizationLevel),
  );
  const out = await s.run(feeds);
  await s.release();
  return out;
}

export async function runChain(
  dir: string,
  manifest: BundleManifest,
  feeds: Record<string, ort.Tensor>,
): Promise<Map<string, ort.Tensor>> {
  const env = new Map(Object.entries(feeds));
  for (const t of manifest.tasks) {
    const s = await ort.InferenceSession.create(
      join(dir, t.file),
      OPTIONS(manifest.runtime.graphOptimizationLevel),
    );
    const taskFeeds = Object.fromEntries(t.inputs.map((i) => [i.name, env.get(i.name) as ort.Tensor]));
    for (const [k, v] of Object.entries(await s.run(taskFeeds))) env.set(k, v);
    await s.release();
  }
  return env;
}

export function sameBits(a: ort.Tensor, b: ort.Tensor): boolean {
  const x = a.data as ArrayBufferView;
  const y = b.data as ArrayBufferView;
  return Buffer.from(x.buffer, x.byteOffset, x.byteLength).equals(
    Buffer.from(y.buffer, y.byteOffset, y.byteLength),
  );
}
