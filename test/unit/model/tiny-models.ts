// Small hand-built ONNX models for the model-layer unit tests (weights big enough to go external).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ModelProto } from 'onnx-buf';
import {
  attr,
  DataType,
  externalTensor,
  floatTensor,
  makeGraph,
  makeModel,
  makeNode,
  makeValueInfo,
  serializeModel,
} from '../../fixtures/onnx-build.js';

/** Width of the MLP: 16x16 float32 weights = 1 KiB, exactly the external-data threshold. */
export const WIDTH = 16;

export function seeded(n: number, seed: number): number[] {
  const out: number[] = [];
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) % 2147483648;
    out.push((s / 2147483648) * 2 - 1);
  }
  return out;
}

/** x[batch,16] -> MatMul(W1) -> Relu -> MatMul(W2) -> Add(b as Constant node) -> y[batch,16]. */
export function mlpModel(options: { customOp?: { domain: string; opType: string } } = {}): ModelProto {
  const nodes = [
    makeNode('MatMul', ['x', 'W1'], ['h1'], { name: 'mm1' }),
    makeNode('Relu', ['h1'], ['h2'], { name: 'relu' }),
    makeNode('MatMul', ['h2', 'W2'], ['h3'], { name: 'mm2' }),
    makeNode('Constant', [], ['b'], {
      name: 'bias',
      attributes: [attr.tensor('value', floatTensor('b', [WIDTH], seeded(WIDTH, 3)))],
    }),
    makeNode('Add', ['h3', 'b'], ['y'], { name: 'add' }),
  ];
  if (options.customOp) {
    nodes.splice(
      1,
      1,
      makeNode(options.customOp.opType, ['h1'], ['h2'], { name: 'weird', domain: options.customOp.domain }),
    );
  }
  return makeModel(
    makeGraph({
      nodes,
      inputs: [makeValueInfo('x', DataType.FLOAT, ['batch', WIDTH])],
      outputs: [makeValueInfo('y', DataType.FLOAT, ['batch', WIDTH])],
      initializers: [
        floatTensor('W1', [WIDTH, WIDTH], seeded(WIDTH * WIDTH, 1)),
        floatTensor('W2', [WIDTH, WIDTH], seeded(WIDTH * WIDTH, 2)),
      ],
    }),
    options.customOp ? { extraOpsets: [{ domain: options.customOp.domain, version: 1 }] } : {},
  );
}

/** The MLP with W1 and W2 stored in an external file `location` (relative to the model folder). */
export function externalMlpModel(location: string): { model: ModelProto; weights: Uint8Array } {
  const model = mlpModel();
  const graph = model.graph;
  if (!graph) throw new Error('no graph');
  const bytes = WIDTH * WIDTH * 4;
  const weights = new Uint8Array(2 * bytes);
  graph.initializer = graph.initializer.map((t, i) => {
    weights.set(t.rawData, i * bytes);
    return externalTensor(t.name, [WIDTH, WIDTH], DataType.FLOAT, location, i * bytes, bytes);
  });
  return { model, weights };
}

/**
 * y = If(cond) then (x*W1)*Wt else x: the then-branch reads W1 and x from the outer scope and has
 * its own 1 KiB initializer Wt.
 */
export function ifModel(): ModelProto {
  const thenBranch = makeGraph({
    name: 'then',
    nodes: [
      makeNode('MatMul', ['x', 'W1'], ['t_mid'], { name: 'then_mm' }),
      makeNode('MatMul', ['t_mid', 'Wt'], ['t_out'], { name: 'then_mm2' }),
    ],
    inputs: [],
    outputs: [makeValueInfo('t_out', DataType.FLOAT, ['batch', WIDTH])],
    initializers: [floatTensor('Wt', [WIDTH, WIDTH], seeded(WIDTH * WIDTH, 7))],
  });
  const elseBranch = makeGraph({
    name: 'else',
    nodes: [makeNode('Identity', ['x'], ['e_out'], { name: 'else_id' })],
    inputs: [],
    outputs: [makeValueInfo('e_out', DataType.FLOAT, ['batch', WIDTH])],
  });
  return makeModel(
    makeGraph({
      nodes: [
        makeNode('If', ['cond'], ['y'], {
          name: 'branch',
          attributes: [attr.graph('then_branch', thenBranch), attr.graph('else_branch', elseBranch)],
        }),
      ],
      inputs: [
        makeValueInfo('cond', DataType.BOOL, []),
        makeValueInfo('x', DataType.FLOAT, ['batch', WIDTH]),
      ],
      outputs: [makeValueInfo('y', DataType.FLOAT, ['batch', WIDTH])],
      initializers: [floatTensor('W1', [WIDTH, WIDTH], seeded(WIDTH * WIDTH, 1))],
    }),
  );
}

export function tempDir(prefix = 'splitup-model-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Writes `model` (and optional extra files) into a fresh folder; returns the model path. */
export function writeModel(
  model: ModelProto,
  files: Record<string, Uint8Array> = {},
  dir = tempDir(),
): string {
  const path = join(dir, 'model.onnx');
  writeFileSync(path, serializeModel(model));
  for (const [name, bytes] of Object.entries(files)) writeFileSync(join(dir, name), bytes);
  return path;
}
