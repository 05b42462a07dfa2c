// Models for the on-chain registry tests: a valid 2-task chain and one broken variant per DAG rule.
import type { DType } from '../../../../storage/tensors/tensor.js';

const GIB = 1 << 30;
export const TASK_CID = 'bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy';

interface Spec {
  name: string;
  dtype: DType;
  shape: (number | string)[];
}
interface Task {
  id: string;
  inputs: Spec[];
  outputs: Spec[];
  state?: { input: string; output: string }[];
  vramBytes?: number;
  computeUnits?: number;
  cid?: string;
}
/** Mutable, and assignable both to node/model's DagModel and to the client's ModelLike. */
export interface TestModel {
  model: { inputs: Spec[]; outputs: Spec[] };
  tasks: Task[];
  connections: { from: { task: string; tensor: string }; to: { task: string; tensor: string } }[];
}

/** x[1,4] → t0 → h[1,8] → t1 → y[1,2]. */
export function twoTaskModel(): TestModel {
  return {
    model: {
      inputs: [{ name: 'x', dtype: 'float32', shape: [1, 4] }],
      outputs: [{ name: 'y', dtype: 'float32', shape: [1, 2] }],
    },
    tasks: [
      {
        id: 't0',
        inputs: [{ name: 'x', dtype: 'float32', shape: [1, 4] }],
        outputs: [{ name: 'h', dtype: 'float32', shape: [1, 8] }],
        vramBytes: 2 * GIB,
        computeUnits: 1000,
        cid: TASK_CID,
      },
      {
        id: 't1',
        inputs: [{ name: 'h', dtype: 'float32', shape: [1, 'n'] }],
        outputs: [{ name: 'y', dtype: 'float32', shape: [1, 2] }],
        vramBytes: GIB + 1,
        computeUnits: 2000,
      },
    ],
    connections: [
      { from: { task: '@model', tensor: 'x' }, to: { task: 't0', tensor: 'x' } },
      { from: { task: 't0', tensor: 'h' }, to: { task: 't1', tensor: 'h' } },
      { from: { task: 't1', tensor: 'y' }, to: { task: '@model', tensor: 'y' } },
    ],
  };
}

const f32 = (name: string, shape: (number | string)[] = [1, 8]) => ({
  name,
  dtype: 'float32' as const,
  shape,
});

/** One model per DAG rule, each breaking exactly that rule first. */
export const BROKEN: Record<string, (m: TestModel) => void> = {
  DAG_BAD_TASK_ID: (m) => {
    m.tasks[0]!.id = '@model';
  },
  DAG_DUPLICATE_TASK: (m) => {
    m.tasks[1]!.id = 't0';
  },
  DAG_BAD_TENSOR_NAME: (m) => {
    m.model.inputs[0]!.name = '';
  },
  DAG_DUPLICATE_TENSOR: (m) => {
    m.tasks[0]!.outputs = [f32('h'), f32('h')];
  },
  DAG_BAD_STATE_BINDING: (m) => {
    m.tasks[0]!.state = [{ input: 'nope', output: 'h' }];
  },
  DAG_UNKNOWN_TASK: (m) => {
    m.connections[1]!.from.task = 'ghost';
  },
  DAG_UNKNOWN_TENSOR: (m) => {
    m.connections[1]!.from.tensor = 'nope';
  },
  DAG_DUPLICATE_CONNECTION: (m) => {
    m.connections.push({ from: { task: '@model', tensor: 'x' }, to: { task: 't1', tensor: 'h' } });
  },
  DAG_INPUT_UNSATISFIED: (m) => {
    m.tasks[1]!.inputs = [f32('h', [1, 'n']), f32('extra')];
  },
  DAG_ORPHAN_OUTPUT: (m) => {
    m.tasks[0]!.outputs = [f32('h'), f32('aux')];
  },
  DAG_REDUNDANT_TASK: (m) => {
    // t2 reads x and keeps only a state output: every output accounted for, yet it feeds nothing.
    m.tasks.push({
      id: 't2',
      inputs: [f32('x', [1, 4]), f32('s')],
      outputs: [f32('s2')],
      state: [{ input: 's', output: 's2' }],
    });
    m.connections.push({ from: { task: '@model', tensor: 'x' }, to: { task: 't2', tensor: 'x' } });
  },
  DAG_CYCLE: (m) => {
    m.tasks[0]!.inputs = [f32('x', [1, 4]), f32('back')];
    m.tasks[1]!.outputs = [f32('y', [1, 2]), f32('b')];
    m.connections.push({ from: { task: 't1', tensor: 'b' }, to: { task: 't0', tensor: 'back' } });
  },
  DAG_TYPE_MISMATCH: (m) => {
    m.tasks[1]!.inputs = [{ name: 'h', dtype: 'float16', shape: [1, 8] }];
  },
};
