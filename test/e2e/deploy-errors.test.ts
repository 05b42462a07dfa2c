// Acceptance: `splitup deploy` refuses every broken model with its typed error code and a message,
// exit code 1, and writes no bundle: corrupt or truncated files, a foreign-domain operator, external
// data escaping the model folder, a budget below the largest node, and graphs that break DAG rules.
// Also: models that are valid but unusual (Constant weights, If/Loop reading outer-scope tensors,
// nodes out of order) deploy and run bit-identical to the whole model.
// The CLI runs in this process (`main` with captured output): the same argument parsing, error
// formatting and exit codes as `node node/bin/splitup.mjs`, without paying the CLI's start-up
// (seconds of module loading) for each of the 20 invocations.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { ModelProto } from 'onnx-buf';
import { main } from '../../node/cli/main.js';
import { writeNpyFile } from '../../node/tensor/npy-file.js';
import type { Tensor } from '../../storage/tensors/tensor.js';
import { serializeModel } from '../fixtures/onnx-build.js';
import {
  constantWeightsModel,
  cyclicModel,
  duplicateProducerModel,
  escapingExternalDataModel,
  foreignOperatorModel,
  garbageModelBytes,
  hugeNodeModel,
  hugeNodeWeightBytes,
  ifOuterScopeModel,
  loopOuterScopeModel,
  overwrittenInputModel,
  truncatedModelBytes,
  undefinedInputModel,
  unproducedOutputModel,
  unsortedModel,
} from '../fixtures/small-models.js';

/** Generous budget for the models that must fail for another reason than size. */
const BIG_BUDGET = '1GiB';
/** The huge node's weight (1024x1024 floats = 4 MiB) plus the runtime margin exceeds this. */
const BELOW_HUGE_NODE = '18MiB';
const BATCH = 2;

const root = mkdtempSync(join(tmpdir(), 'splitup-e2e-deploy-errors-'));
after(() => rmSync(root, { recursive: true, force: true }));
const models = join(root, 'models');
mkdirSync(models);
// A real file where `../x.bin` and the absolute path point: refusal must not be "file not found".
const outside = join(root, 'x.bin');
writeFileSync(outside, new Uint8Array(64));

async function splitup(args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const status = await main(args, { out: (line) => out.push(line), err: (line) => err.push(line) });
  return { status, stdout: out.join('\n'), stderr: err.join('\n') };
}

function save(name: string, model: ModelProto | Uint8Array): string {
  const path = join(models, `${name}.onnx`);
  writeFileSync(path, model instanceof Uint8Array ? model : serializeModel(model));
  return path;
}

async function deploy(name: string, model: ModelProto | Uint8Array, budget = BIG_BUDGET) {
  const out = join(root, `${name}-bundle`);
  const result = await splitup([
    'deploy',
    save(name, model),
    '--target-vram',
    budget,
    '--out',
    out,
    '--shape',
    `batch=${BATCH}`,
  ]);
  return { ...result, out };
}

describe('splitup deploy refuses broken models with typed errors', () => {
  const cases: [string, ModelProto | Uint8Array, RegExp, string?][] = [
    ['truncated file', truncatedModelBytes(), /error \[MODEL_TRUNCATED\]/],
    ['garbage bytes', garbageModelBytes(), /error \[MODEL_CORRUPT\]/],
    ['foreign-domain operator', foreignOperatorModel(), /error \[MODEL_FOREIGN_OPERATOR\].*com\.evil/],
    ['external data ../x.bin', escapingExternalDataModel('../x.bin'), /error \[EXTERNAL_DATA_ESCAPE\]/],
    ['external data absolute path', escapingExternalDataModel(outside), /error \[EXTERNAL_DATA_ESCAPE\]/],
    [
      'budget below the largest node',
      hugeNodeModel(),
      /error \[PARTITION_NODE_TOO_LARGE\].*huge\/MatMul/,
      BELOW_HUGE_NODE,
    ],
    ['cycle', cyclicModel(), /error \[MODEL_INVALID\].*not acyclic/],
    ['tensor produced twice', duplicateProducerModel(), /error \[MODEL_INVALID\]/],
    ['graph input overwritten by a node', overwrittenInputModel(), /error \[MODEL_INVALID\]/],
    ['input nobody provides', undefinedInputModel(), /error \[MODEL_CORRUPT\].*'nowhere'/],
    ['output nobody produces', unproducedOutputModel(), /error \[MODEL_CORRUPT\].*'y' is never produced/],
  ];
  for (const [title, model, pattern, budget] of cases) {
    it(title, async () => {
      const r = await deploy(title.replace(/\W+/g, '-'), model, budget);
      assert.equal(r.status, 1, `exit ${r.status}\n${r.stderr}`);
      assert.match(r.stderr, pattern);
      assert.ok(!existsSync(join(r.out, 'manifest.json')), 'no bundle written');
    });
  }

  it('the huge node fits once the budget covers it', async () => {
    const budget = hugeNodeWeightBytes() * 8;
    const r = await deploy('huge-node-fits', hugeNodeModel(), String(budget));
    assert.equal(r.status, 0, r.stderr);
  });
});

const float32 = (shape: number[], seed: number): Tensor => {
  const values = Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) =>
    Math.sin(i + seed),
  );
  return { dtype: 'float32', shape, data: new Uint8Array(values.buffer) };
};
const scalar = (dtype: 'bool' | 'int64', value: number): Tensor =>
  dtype === 'bool'
    ? { dtype, shape: [], data: Uint8Array.of(value) }
    : { dtype, shape: [], data: new Uint8Array(BigInt64Array.of(BigInt(value)).buffer) };

describe('splitup deploy + run --check on valid but unusual models', () => {
  const cases: [string, ModelProto, Record<string, Tensor>][] = [
    ['Constant-node weights', constantWeightsModel(), { x: float32([BATCH, 16], 1) }],
    [
      'If reading outer-scope tensors',
      ifOuterScopeModel(),
      { x: float32([BATCH, 8], 2), cond: scalar('bool', 1) },
    ],
    [
      'Loop reading an outer-scope tensor',
      loopOuterScopeModel(),
      { x: float32([BATCH, 8], 3), trip_count: scalar('int64', 3), keep_going: scalar('bool', 1) },
    ],
    ['nodes out of topological order', unsortedModel(), { x: float32([BATCH, 4], 4) }],
  ];
  for (const [title, model, inputs] of cases) {
    it(title, async () => {
      const name = title.replace(/\W+/g, '-');
      const r = await deploy(name, model);
      assert.equal(r.status, 0, r.stderr);
      const args = ['run', r.out, '--out', join(root, `${name}-out`), '--check', '--json'];
      for (const [input, tensor] of Object.entries(inputs)) {
        const file = join(root, `${name}-${input}.npy`);
        await writeNpyFile(file, tensor);
        args.push('--input', `${input}=${file}`);
      }
      const run = await splitup(args);
      assert.equal(run.status, 0, `${run.stderr}\n${run.stdout}`);
      assert.equal((JSON.parse(run.stdout) as { bitIdentical: boolean }).bitIdentical, true);
    });
  }
});
