// Writes a seeded-random Llama-shaped decoder (model.onnx + external weights) for tests and benches.
// Usage: node --import tsx scripts/generate-transformer.ts --out <dir> [--size 3GB] [--seed 1]
//        [--layers N --hidden H --heads A --kv-heads K --intermediate I --vocab V] [--max-file-bytes 1GB]
//        [--static-dims batch,seq,past]   fixed I/O sizes instead of symbolic dims
import { parseArgs } from 'node:util';
import { formatSize, parseSize } from '../node/util/size.js';
import { writeTransformer } from '../test/fixtures/transformer.js';
import {
  configForSize,
  TINY_TRANSFORMER,
  type TransformerConfig,
  transformerWeightBytes,
} from '../test/fixtures/transformer-config.js';

const { values } = parseArgs({
  options: {
    out: { type: 'string' },
    size: { type: 'string' },
    seed: { type: 'string', default: '1' },
    layers: { type: 'string' },
    hidden: { type: 'string' },
    heads: { type: 'string' },
    'kv-heads': { type: 'string' },
    intermediate: { type: 'string' },
    vocab: { type: 'string' },
    'max-file-bytes': { type: 'string' },
    'static-dims': { type: 'string' },
  },
});

/** A mistyped argument is the user's to fix: say what, without a stack trace. */
function usageError(message: string): never {
  console.error(`generate-transformer: ${message}`);
  process.exit(2);
}

function positiveInt(name: string, text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n <= 0) usageError(`--${name} must be a positive integer, got '${text}'`);
  return n;
}

if (!values.out) {
  console.error('usage: generate-transformer --out <dir> [--size 3GB] [--seed N] [--layers N ...]');
  process.exit(2);
}
const seed = positiveInt('seed', values.seed!);
let config: TransformerConfig = values.size
  ? configForSize(parseSize(values.size), seed)
  : { ...TINY_TRANSFORMER, seed };
const overrides: [keyof TransformerConfig, string | undefined][] = [
  ['layers', values.layers],
  ['hidden', values.hidden],
  ['heads', values.heads],
  ['kvHeads', values['kv-heads']],
  ['intermediate', values.intermediate],
  ['vocab', values.vocab],
];
for (const [key, text] of overrides)
  if (text !== undefined) config = { ...config, [key]: positiveInt(key, text) };

let staticDims: { batch: number; seq: number; past: number } | undefined;
if (values['static-dims'] !== undefined) {
  const parts = values['static-dims'].split(',');
  if (parts.length !== 3) usageError(`--static-dims must be batch,seq,past, got '${values['static-dims']}'`);
  const [batch, seq, past] = parts.map((p, i) => (i === 2 && p === '0' ? 0 : positiveInt('static-dims', p)));
  staticDims = { batch: batch!, seq: seq!, past: past! };
}

const started = performance.now();
const generated = writeTransformer(values.out, config, {
  maxFileBytes: values['max-file-bytes'] ? parseSize(values['max-file-bytes']) : undefined,
  staticDims,
});
const seconds = (performance.now() - started) / 1000;
console.log(
  JSON.stringify(
    {
      modelPath: generated.modelPath,
      dataFiles: generated.dataFiles,
      weightBytes: generated.weightBytes,
      weightSize: formatSize(transformerWeightBytes(config)),
      nodeCount: generated.nodeCount,
      config,
      seconds: Number(seconds.toFixed(1)),
    },
    null,
    2,
  ),
);
