import { createHash } from 'node:crypto';
import { PublicKey, type TransactionInstruction } from '@solana/web3.js';
import { CID } from 'multiformats/cid';
import { DTYPES } from '../schema/splitup.js';
import { bn } from './convert.js';
import { SplitupClientError, SplitupClientErrorCode } from './errors.js';
import {
  CID_BYTES,
  CONNECTIONS_PER_IX,
  DIM_SYMBOLIC,
  MAX_CONNECTIONS,
  MAX_DIMS,
  MAX_MODEL_IO,
  MAX_MODEL_TASKS,
  MAX_STATE_BINDINGS,
  MAX_TASK_TENSORS,
  MAX_WEIGHT_CIDS,
  MODEL_SEED,
  NAME_BYTES,
} from './generated/splitup.js';
import { configAddress } from './pdas.js';
import { SPLITUP_PROGRAM_ID, splitupProgram } from './program.js';

/** Tensor element types in on-chain index order: the schema's list, the one source of truth. */
export const ONCHAIN_DTYPES = DTYPES;

/** The model endpoint in connections (node/model/manifest.ts MODEL_ENDPOINT). */
export const MODEL_ENDPOINT = '@model';

// Structural mirrors of node/model's DagModel / BundleManifest (programs/ imports nothing of ours).
export interface TensorSpecLike {
  name: string;
  dtype: string;
  shape: readonly (number | string)[];
}
export interface TaskLike {
  id: string;
  inputs: readonly TensorSpecLike[];
  outputs: readonly TensorSpecLike[];
  state?: readonly { input: string; output: string }[];
  vramBytes?: number;
  computeUnits?: number;
  cid?: string;
  weights?: readonly { cid?: string }[];
}
export interface ModelLike {
  model: { inputs: readonly TensorSpecLike[]; outputs: readonly TensorSpecLike[] };
  tasks: readonly TaskLike[];
  connections: readonly { from: { task: string; tensor: string }; to: { task: string; tensor: string } }[];
}

/** On-chain name: sha256(name)[0..16]; the empty name is all zeros (so emptiness stays checkable). */
export function nameHash(name: string): number[] {
  if (name === '') return Array(NAME_BYTES).fill(0);
  return Array.from(createHash('sha256').update(name, 'utf8').digest().subarray(0, NAME_BYTES));
}

export function modelAddress(modelId: Uint8Array, programId: PublicKey = SPLITUP_PROGRAM_ID): PublicKey {
  return PublicKey.findProgramAddressSync([Buffer.from(MODEL_SEED), Buffer.from(modelId)], programId)[0];
}

function limit<T>(items: readonly T[], max: number, what: string): readonly T[] {
  if (items.length > max)
    throw new SplitupClientError(SplitupClientErrorCode.MODEL_TOO_LARGE, `${what}: ${items.length} > ${max}`);
  return items;
}

function padded<T>(items: T[], size: number, empty: () => T): T[] {
  return [...items, ...Array.from({ length: size - items.length }, empty)];
}

const emptySpec = () => ({
  dims: Array(MAX_DIMS).fill(bn(0n)),
  name: nameHash(''),
  rank: 0,
  dtype: 0,
  reserved: Array(6).fill(0),
});

function encodeSpec(s: TensorSpecLike) {
  const dtype = (ONCHAIN_DTYPES as readonly string[]).indexOf(s.dtype);
  if (dtype < 0)
    throw new SplitupClientError(
      SplitupClientErrorCode.UNSUPPORTED_DTYPE,
      `tensor '${s.name}' has unknown dtype ${s.dtype}`,
    );
  limit(s.shape, MAX_DIMS, `rank of '${s.name}'`);
  return {
    dims: padded(
      s.shape.map((d) => bn(typeof d === 'number' ? BigInt(d) : DIM_SYMBOLIC)),
      MAX_DIMS,
      () => bn(0n),
    ),
    name: nameHash(s.name),
    rank: s.shape.length,
    dtype,
    reserved: Array(6).fill(0),
  };
}

function encodeSpecs(specs: readonly TensorSpecLike[], max: number, what: string) {
  return padded(limit(specs, max, what).map(encodeSpec), max, emptySpec);
}

function encodeCid(cid: string): number[] {
  let bytes: Uint8Array;
  try {
    bytes = CID.parse(cid).bytes;
  } catch {
    throw new SplitupClientError(SplitupClientErrorCode.MALFORMED_CID, `'${cid}' is not a CID`);
  }
  if (bytes.length > CID_BYTES)
    throw new SplitupClientError(
      SplitupClientErrorCode.CID_TOO_LARGE,
      `CID ${cid} is over ${CID_BYTES} bytes`,
    );
  return padded(Array.from(bytes), CID_BYTES, () => 0);
}

function encodeTask(t: TaskLike) {
  const cids = [t.cid, ...(t.weights ?? []).map((w) => w.cid)].filter((c): c is string => !!c);
  const state = limit(t.state ?? [], MAX_STATE_BINDINGS, `state bindings of '${t.id}'`);
  return {
    vramBytes: bn(BigInt(t.vramBytes ?? 0)),
    computeUnits: bn(BigInt(t.computeUnits ?? 0)),
    id: nameHash(t.id),
    inputs: encodeSpecs(t.inputs, MAX_TASK_TENSORS, `inputs of '${t.id}'`),
    outputs: encodeSpecs(t.outputs, MAX_TASK_TENSORS, `outputs of '${t.id}'`),
    state: padded(
      state.map((b) => ({ input: nameHash(b.input), output: nameHash(b.output) })),
      MAX_STATE_BINDINGS,
      () => ({ input: nameHash(''), output: nameHash('') }),
    ),
    weightCids: padded(
      limit(cids, MAX_WEIGHT_CIDS, `CIDs of '${t.id}'`).map(encodeCid),
      MAX_WEIGHT_CIDS,
      () => Array(CID_BYTES).fill(0),
    ),
    inputCount: t.inputs.length,
    outputCount: t.outputs.length,
    stateCount: state.length,
    cidCount: cids.length,
    reserved: [0, 0, 0, 0],
  };
}

const emptyConnection = () => ({
  fromTask: nameHash(''),
  fromTensor: nameHash(''),
  toTask: nameHash(''),
  toTensor: nameHash(''),
});

/** A 32-byte model id: sha256 of a name (or pass your own 32 bytes). */
export function modelIdFrom(name: string): Uint8Array {
  return createHash('sha256').update(name, 'utf8').digest();
}

/**
 * The transactions (one instruction each, in order) that register `model` on-chain:
 * create_model, register_task per task, add_connections in chunks, register_model.
 */
export async function registerModelInstructions(
  authority: PublicKey,
  modelId: Uint8Array,
  model: ModelLike,
): Promise<TransactionInstruction[]> {
  if (modelId.length !== 32)
    throw new SplitupClientError(SplitupClientErrorCode.INVALID_MODEL_ID, 'a model id is 32 bytes');
  limit(model.tasks, MAX_MODEL_TASKS, 'tasks');
  limit(model.connections, MAX_CONNECTIONS, 'connections');
  const program = splitupProgram();
  const address = modelAddress(modelId);
  const draft = { authority, model: address };
  const out: TransactionInstruction[] = [];
  out.push(
    await program.methods
      .createModel({
        modelId: Array.from(modelId),
        inputs: encodeSpecs(model.model.inputs, MAX_MODEL_IO, 'model inputs'),
        outputs: encodeSpecs(model.model.outputs, MAX_MODEL_IO, 'model outputs'),
        inputCount: model.model.inputs.length,
        outputCount: model.model.outputs.length,
        taskCount: model.tasks.length,
        reserved: Array(5).fill(0),
      })
      .accountsStrict({
        authority,
        model: address,
        config: configAddress(),
        systemProgram: PublicKey.default,
      })
      .instruction(),
  );
  for (const [index, task] of model.tasks.entries()) {
    out.push(
      await program.methods
        .registerTask({ index, reserved: Array(7).fill(0), task: encodeTask(task) })
        .accountsStrict(draft)
        .instruction(),
    );
  }
  for (let start = 0; start < model.connections.length; start += CONNECTIONS_PER_IX) {
    const chunk = model.connections.slice(start, start + CONNECTIONS_PER_IX).map((c) => ({
      fromTask: nameHash(c.from.task),
      fromTensor: nameHash(c.from.tensor),
      toTask: nameHash(c.to.task),
      toTensor: nameHash(c.to.tensor),
    }));
    out.push(
      await program.methods
        .addConnections({
          start,
          count: chunk.length,
          reserved: Array(6).fill(0),
          connections: padded(chunk, CONNECTIONS_PER_IX, emptyConnection),
        })
        .accountsStrict(draft)
        .instruction(),
    );
  }
  out.push(await program.methods.registerModel().accountsStrict(draft).instruction());
  return out;
}
