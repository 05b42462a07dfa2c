import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SplitUpError } from '../../../../node/errors.js';
import {
  assertValidDag,
  DAG_ERROR_CODES,
  DAG_ERROR_NUMBERS,
  type DagModel,
  type DagTask,
  validateDag,
} from '../../../../node/model/dag/index.js';
import {
  type BundleManifest,
  type Connection,
  MODEL_ENDPOINT,
  type StateBinding,
} from '../../../../storage/bundle/manifest.js';
import type { TensorSpec } from '../../../../storage/tensors/tensor.js';

const M = MODEL_ENDPOINT;
const spec = (
  name: string,
  shape: (number | string)[],
  dtype: TensorSpec['dtype'] = 'float32',
): TensorSpec => ({ name, dtype, shape });
const link = (fromTask: string, fromTensor: string, toTask: string, toTensor: string): Connection => ({
  from: { task: fromTask, tensor: fromTensor },
  to: { task: toTask, tensor: toTensor },
});

/** ids → A → (B with a KV cache, D in parallel) → C → logits; B's present is also a model output. */
interface MutableTask extends DagTask {
  inputs: TensorSpec[];
  outputs: TensorSpec[];
  state?: StateBinding[];
}
interface MutableModel extends DagModel {
  model: { inputs: TensorSpec[]; outputs: TensorSpec[] };
  tasks: MutableTask[];
  connections: Connection[];
}

function valid(): MutableModel {
  return {
    model: {
      inputs: [spec('ids', [1, 8], 'int64'), spec('past', [1, 4, 'past_len', 8], 'float16')],
      outputs: [spec('logits', [1, 8, 100]), spec('present', [1, 4, 'total_len', 8], 'float16')],
    },
    tasks: [
      { id: 'A', inputs: [spec('ids', [1, 8], 'int64')], outputs: [spec('h', [1, 8, 16])] },
      {
        id: 'B',
        inputs: [spec('h', [1, 8, 16]), spec('past', [1, 4, 'past_len', 8], 'float16')],
        outputs: [spec('h2', [1, 8, 16]), spec('present', [1, 4, 'total_len', 8], 'float16')],
        state: [{ input: 'past', output: 'present' }],
      },
      { id: 'D', inputs: [spec('h', [1, 8, 16])], outputs: [spec('h3', [1, 8, 16])] },
      {
        id: 'C',
        inputs: [spec('h2', [1, 8, 16]), spec('h3', [1, 8, 16])],
        outputs: [spec('logits', [1, 8, 100])],
      },
    ],
    connections: [
      link(M, 'ids', 'A', 'ids'),
      link('A', 'h', 'B', 'h'),
      link('A', 'h', 'D', 'h'),
      link(M, 'past', 'B', 'past'),
      link('B', 'h2', 'C', 'h2'),
      link('D', 'h3', 'C', 'h3'),
      link('C', 'logits', M, 'logits'),
      link('B', 'present', M, 'present'),
    ],
  };
}

function only(model: DagModel) {
  const v = validateDag(model);
  assert.equal(v.length, 1, JSON.stringify(v, null, 1));
  return v[0]!;
}

test('a well-formed model (parallel branch, KV-cache state) is valid', () => {
  assert.deepEqual(validateDag(valid()), []);
  assertValidDag(valid());
});

test('a BundleManifest is accepted as is', () => {
  const base = valid();
  const manifest: BundleManifest = {
    schema: 'splitup.bundle/1',
    model: {
      name: 'm',
      sourceSha256: '',
      inputs: base.model.inputs.slice(),
      outputs: base.model.outputs.slice(),
      declaredShapes: {},
    },
    runtime: { graphOptimizationLevel: 'all' },
    targetVramBytes: 1,
    tasks: base.tasks.map((t) => ({
      id: t.id,
      file: `${t.id}.onnx`,
      sha256: '',
      inputs: t.inputs.slice(),
      outputs: t.outputs.slice(),
      state: (t.state ?? []).slice(),
      vramBytes: 1,
      computeUnits: 1,
      weights: [],
      nodeCount: 1,
    })),
    connections: base.connections,
  };
  assert.deepEqual(validateDag(manifest), []);
});

test('1. an input nobody feeds: DAG_INPUT_UNSATISFIED naming task and tensor', () => {
  const m = valid();
  m.connections.splice(5, 1); // D.h3 → C.h3
  m.tasks[2]!.outputs = [];
  m.connections.splice(2, 1); // A.h → D.h
  m.tasks.splice(2, 1);
  const v = only(m);
  assert.deepEqual([v.code, v.task, v.tensor], ['DAG_INPUT_UNSATISFIED', 'C', 'h3']);
  const model = valid();
  model.connections.splice(6, 1);
  model.tasks[3]!.outputs.push(spec('spare', [1]));
  model.connections.push(link('C', 'spare', M, 'spare'));
  model.model.outputs.push(spec('spare', [1]));
  const missing = validateDag(model);
  assert.deepEqual(
    missing.map((x) => [x.code, x.task, x.tensor]),
    [
      ['DAG_INPUT_UNSATISFIED', M, 'logits'],
      ['DAG_ORPHAN_OUTPUT', 'C', 'logits'],
    ],
  );
});

test('2. an output feeding nothing: DAG_ORPHAN_OUTPUT; an unread model input too', () => {
  const m = valid();
  m.tasks[0]!.outputs.push(spec('debug', [3]));
  let v = only(m);
  assert.deepEqual([v.code, v.task, v.tensor], ['DAG_ORPHAN_OUTPUT', 'A', 'debug']);
  const unread = valid();
  unread.model.inputs.push(spec('mask', [1, 8], 'bool'));
  v = only(unread);
  assert.deepEqual([v.code, v.task, v.tensor], ['DAG_ORPHAN_OUTPUT', M, 'mask']);
});

test('3. a task whose work reaches no model output: DAG_REDUNDANT_TASK', () => {
  const m = valid();
  // E reads h and only keeps a state cache: connected, nothing orphaned, but useless.
  m.tasks.push({
    id: 'E',
    inputs: [spec('h', [1, 8, 16]), spec('cache', [4])],
    outputs: [spec('cache_out', [4])],
    state: [{ input: 'cache', output: 'cache_out' }],
  });
  m.connections.push(link('A', 'h', 'E', 'h'));
  const v = only(m);
  assert.deepEqual([v.code, v.task, v.tensor], ['DAG_REDUNDANT_TASK', 'E', '']);
});

test('4. a cycle: DAG_CYCLE names a task, the tensor leaving it and the loop', () => {
  const m = valid();
  // C feeds back into D: D → C → D.
  m.tasks[3]!.outputs.push(spec('fb', [1, 8, 16]));
  m.tasks[2]!.inputs.push(spec('fb', [1, 8, 16]));
  m.connections.push(link('C', 'fb', 'D', 'fb'));
  const v = only(m);
  assert.equal(v.code, 'DAG_CYCLE');
  assert.deepEqual([v.task, v.tensor, v.cycle], ['D', 'h3', ['D', 'C']]);
  assert.match(v.message, /D → C → D/);
});

test('4. a task feeding itself is a cycle of one', () => {
  const m = valid();
  m.tasks[2]!.outputs.push(spec('loop', [2]));
  m.tasks[2]!.inputs.push(spec('loop', [2]));
  m.connections.push(link('D', 'loop', 'D', 'loop'));
  const v = only(m);
  assert.deepEqual([v.code, v.task, v.tensor, v.cycle], ['DAG_CYCLE', 'D', 'loop', ['D']]);
});

test('5. incompatible specs across a connection: DAG_TYPE_MISMATCH at the sink', () => {
  const cases: [number, TensorSpec][] = [
    [2, spec('h', [1, 8, 16], 'float16')], // dtype
    [2, spec('h', [8, 16])], // rank
    [2, spec('h', [1, 8, 32])], // dim
  ];
  for (const [task, s] of cases) {
    const m = valid();
    m.tasks[task]!.inputs = [s];
    const v = only(m);
    assert.deepEqual([v.code, v.task, v.tensor, v.connection], ['DAG_TYPE_MISMATCH', 'D', 'h', 2]);
  }
  // A symbolic sink dim accepts a fixed source dim; a symbolic source into a fixed sink does not.
  const loose = valid();
  loose.tasks[2]!.inputs = [spec('h', [1, 'seq', 16])];
  assert.deepEqual(validateDag(loose), []);
  const strict = valid();
  strict.tasks[0]!.outputs = [spec('h', [1, 'seq', 16])];
  strict.tasks[2]!.inputs = [spec('h', [1, 'seq', 16])];
  assert.deepEqual(
    validateDag(strict).map((x) => [x.code, x.task]),
    [['DAG_TYPE_MISMATCH', 'B']],
  );
});

test('structural errors stop validation before the five rules', () => {
  const cases: [string, (m: MutableModel) => void, string, string][] = [
    [
      'DAG_BAD_TASK_ID',
      (m) => {
        m.tasks[0]!.id = M;
      },
      M,
      '',
    ],
    [
      'DAG_DUPLICATE_TASK',
      (m) => {
        m.tasks[2]!.id = 'B';
      },
      'B',
      '',
    ],
    ['DAG_BAD_TENSOR_NAME', (m) => void m.tasks[2]!.outputs.push(spec('', [1])), 'D', ''],
    ['DAG_DUPLICATE_TENSOR', (m) => void m.tasks[3]!.inputs.push(spec('h2', [1, 8, 16])), 'C', 'h2'],
    ['DAG_DUPLICATE_TENSOR', (m) => void m.model.outputs.push(spec('logits', [1])), M, 'logits'],
    [
      'DAG_BAD_STATE_BINDING',
      (m) => void m.tasks[1]!.state!.push({ input: 'nope', output: 'h2' }),
      'B',
      'nope',
    ],
    [
      'DAG_BAD_STATE_BINDING',
      (m) => void m.tasks[1]!.state!.push({ input: 'h', output: 'nope' }),
      'B',
      'nope',
    ],
    [
      'DAG_BAD_STATE_BINDING',
      (m) => void m.tasks[1]!.state!.push({ input: 'past', output: 'h2' }),
      'B',
      'past',
    ],
    [
      'DAG_BAD_STATE_BINDING',
      (m) => {
        m.tasks[1]!.state = [{ input: 'h', output: 'present' }];
      },
      'B',
      'h',
    ],
    ['DAG_UNKNOWN_TASK', (m) => void m.connections.push(link('Z', 'h', 'C', 'h2')), 'Z', 'h'],
    ['DAG_UNKNOWN_TASK', (m) => void m.connections.push(link('A', 'h', 'Z', 'h')), 'Z', 'h'],
    ['DAG_UNKNOWN_TENSOR', (m) => void m.connections.push(link('A', 'ids', 'C', 'h2')), 'A', 'ids'],
    ['DAG_UNKNOWN_TENSOR', (m) => void m.connections.push(link(M, 'nope', 'C', 'h2')), M, 'nope'],
    ['DAG_UNKNOWN_TENSOR', (m) => void m.connections.push(link('A', 'h', 'C', 'logits')), 'C', 'logits'],
    ['DAG_UNKNOWN_TENSOR', (m) => void m.connections.push(link('A', 'h', M, 'ids')), M, 'ids'],
    ['DAG_DUPLICATE_CONNECTION', (m) => void m.connections.push(link('D', 'h3', 'C', 'h2')), 'C', 'h2'],
    [
      'DAG_DUPLICATE_CONNECTION',
      (m) => {
        m.connections[3] = link('B', 'present', 'B', 'past');
      },
      'B',
      'past',
    ],
  ];
  for (const [code, mutate, task, tensor] of cases) {
    const m = valid();
    mutate(m);
    const v = validateDag(m);
    // Only structure is reported; a bad task id also leaves its connections pointing nowhere.
    assert.ok(
      v.every((x) => DAG_ERROR_NUMBERS[x.code] < DAG_ERROR_NUMBERS.DAG_INPUT_UNSATISFIED),
      JSON.stringify(v),
    );
    assert.deepEqual([v[0]!.code, v[0]!.task, v[0]!.tensor], [code, task, tensor]);
  }
});

test('assertValidDag throws the first violation with a stable code and the full list', () => {
  const m = valid();
  m.tasks[0]!.outputs.push(spec('debug', [3]));
  m.tasks[2]!.inputs = [spec('h', [2, 8, 16])];
  assert.throws(
    () => assertValidDag(m),
    (err: unknown) =>
      err instanceof SplitUpError &&
      err.code === 'DAG_ORPHAN_OUTPUT' &&
      err.details?.task === 'A' &&
      err.details.tensor === 'debug' &&
      (err.details.violations as unknown[]).length === 2 &&
      /'A'\.'debug' feeds nothing \(and 1 more/.test(err.message),
  );
});

test('error numbers for the C port are stable and 1-based', () => {
  assert.equal(DAG_ERROR_NUMBERS.DAG_BAD_TASK_ID, 1);
  assert.equal(DAG_ERROR_NUMBERS.DAG_TYPE_MISMATCH, DAG_ERROR_CODES.length);
  assert.equal(DAG_ERROR_NUMBERS.DAG_INPUT_UNSATISFIED, 9);
});
