// Child process of bench/model-layer.ts: measures the memory one ONNX model (a task, or the whole
// model) takes to load and run once, in a fresh process so tasks do not share an allocator.
// Usage: node --import tsx bench/lib/measure-session-memory.ts <model.onnx> <feeds-dir> <level> <threads>
// Prints one JSON line: { deltaBytes, ... } where
//   deltaBytes = anonymous RSS after load + one run − anonymous RSS just before the session is created.
// onnxruntime's library and thread pools are loaded by a warm-up session first, and the feeds are
// already in memory, so neither is counted. Anonymous memory only: file-backed pages (the mapped
// onnxruntime library) vary with the page cache's state, not with the task. onnxruntime's CPU arena
// keeps what it allocated, so anonymous RSS after the run is the session's peak (weights + arena).
// hwmDeltaBytes (peak total RSS over the same span, Linux VmHWM after a reset) is reported alongside.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { fromOrtTensor, toOrtTensor } from '../../node/engine/ort-tensor.js';
import {
  deterministicSessionOptions,
  type GraphOptimizationLevel,
} from '../../node/engine/session-options.js';
import { readNpyFile } from '../../node/tensor/npy-file.js';
import {
  DataType,
  makeGraph,
  makeModel,
  makeNode,
  makeValueInfo,
  serializeModel,
} from '../../test/fixtures/onnx-build.js';

const [modelPath, feedsDir, level, threadsText] = process.argv.slice(2);
if (!modelPath || !feedsDir || !level || !threadsText) {
  console.error('usage: measure-session-memory <model.onnx> <feeds-dir> <level> <threads>');
  process.exit(2);
}
const options = deterministicSessionOptions(level as GraphOptimizationLevel, Number(threadsText));

// Warm-up: load the native library and create thread pools so they are not counted.
const warm = makeModel(
  makeGraph({
    nodes: [makeNode('Relu', ['x'], ['y'])],
    inputs: [makeValueInfo('x', DataType.FLOAT, [4])],
    outputs: [makeValueInfo('y', DataType.FLOAT, [4])],
  }),
);
const warmSession = await ort.InferenceSession.create(serializeModel(warm), options);
await warmSession.run({ x: new ort.Tensor('float32', new Float32Array(4), [4]) });
await warmSession.release();

const feeds: Record<string, ort.Tensor> = {};
for (const file of readdirSync(feedsDir).sort()) {
  if (!file.endsWith('.npy')) continue;
  const name = decodeURIComponent(file.slice(0, -'.npy'.length));
  feeds[name] = toOrtTensor(name, await readNpyFile(join(feedsDir, file)));
}

/** A field of /proc/self/status (`VmRSS`, `VmHWM`, `RssAnon`), in bytes. */
function statusBytes(field: 'VmRSS' | 'VmHWM' | 'RssAnon'): number {
  const line = readFileSync('/proc/self/status', 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${field}:`));
  if (!line) throw new Error(`/proc/self/status has no ${field}`);
  return Number(line.split(/\s+/)[1]) * 1024;
}

// Reset the peak-RSS mark (VmHWM) so start-up peaks (tsx compiling, module loading) do not count.
writeFileSync('/proc/self/clear_refs', '5');
const baseRssBytes = statusBytes('VmRSS');
const baseAnonBytes = statusBytes('RssAnon');
const session = await ort.InferenceSession.create(modelPath, options);
const results = await session.run(feeds);
// Touch the outputs so they are materialized in this process.
let outputBytes = 0;
for (const [name, t] of Object.entries(results)) {
  outputBytes += fromOrtTensor(name, t as ort.Tensor).data.byteLength;
}
const anonBytes = statusBytes('RssAnon');
const hwmBytes = statusBytes('VmHWM');
console.log(
  JSON.stringify({
    deltaBytes: anonBytes - baseAnonBytes,
    hwmDeltaBytes: hwmBytes - baseRssBytes,
    baseAnonBytes,
    anonBytes,
    outputBytes,
  }),
);
await session.release();
