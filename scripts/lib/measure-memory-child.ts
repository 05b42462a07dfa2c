// Child process of measure-memory.ts: loads one task in a fresh onnxruntime session, runs it once
// on zero inputs of the given shapes, and prints how much the process's resident memory grew.
// Run alone in its own process so nothing else's allocations are counted.
import assert from 'node:assert/strict';
import * as ort from 'onnxruntime-node';

interface Job {
  file: string;
  level: 'disabled' | 'basic' | 'extended' | 'all';
  inputs: { name: string; dtype: string; dims: number[] }[];
  /** onnxruntime's CPU memory arena (on by default; it grows in power-of-two steps). */
  arena: boolean;
}

function zeros(dtype: string, dims: number[]): ort.Tensor {
  const n = dims.reduce((a, b) => a * b, 1);
  const make: Record<string, () => ort.Tensor> = {
    float32: () => new ort.Tensor('float32', new Float32Array(n), dims),
    float16: () => new ort.Tensor('float16', new Uint16Array(n), dims),
    float64: () => new ort.Tensor('float64', new Float64Array(n), dims),
    int64: () => new ort.Tensor('int64', new BigInt64Array(n), dims),
    int32: () => new ort.Tensor('int32', new Int32Array(n), dims),
    int8: () => new ort.Tensor('int8', new Int8Array(n), dims),
    uint8: () => new ort.Tensor('uint8', new Uint8Array(n), dims),
    bool: () => new ort.Tensor('bool', new Uint8Array(n), dims),
  };
  const f = make[dtype];
  assert(f, `no zero tensor for ${dtype}`);
  return f();
}

const job = JSON.parse(process.argv[2] ?? '{}') as Job;
const feeds = Object.fromEntries(job.inputs.map((i) => [i.name, zeros(i.dtype, i.dims)]));
const before = process.memoryUsage().rss;
// maxRSS is a lifetime peak: only a peak reached after `before` belongs to the task.
const peakBefore = process.resourceUsage().maxRSS * 1024;
const session = await ort.InferenceSession.create(job.file, {
  graphOptimizationLevel: job.level,
  enableCpuMemArena: job.arena,
  extra: { session: { intra_op: { allow_spinning: '0' } } },
});
const afterCreate = process.memoryUsage().rss;
await session.run(feeds);
const peakAfter = process.resourceUsage().maxRSS * 1024;
const afterRun = process.memoryUsage().rss;
const peak = peakAfter > peakBefore ? peakAfter : Math.max(afterCreate, afterRun);
process.stdout.write(
  `${JSON.stringify({ before, afterCreate, afterRun, peak, createBytes: afterCreate - before, runBytes: Math.max(afterCreate, afterRun, peak) - before })}\n`,
);
