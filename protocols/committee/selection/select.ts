// Which node runs a task instance, which node verifies it, and whether it is sampled: each a hash
// of public inputs only, so every oracle (and the program, and `splitup audit`) computes the same
// answer and nobody can choose it. The randomness comes from a VRF over a slot hash that did not
// exist when the execution was requested (or the output committed); the table root fixes the
// eligible nodes. Indexes are the first 8 bytes of sha256, little-endian, modulo the count: the
// bias of a 64-bit value modulo at most 16,384 nodes is below 2^-50.
import { createHash } from 'node:crypto';
import { equals } from 'uint8arrays/equals';
import type { Hash32 } from '../liveness/merkle.js';
import {
  type LivenessTable,
  type MembershipProof,
  proveMembership,
  verifyMembership,
} from '../liveness/table.js';
import { SelectionError, SelectionErrorCode } from './errors.js';

/** Domain tags: a worker pick, a verifier pick and a sampling draw never share a hash. */
const WORKER_DOMAIN = 'splitup/select-worker/1';
const VERIFIER_DOMAIN = 'splitup/select-verifier/1';
const SAMPLING_DOMAIN = 'splitup/sample/1';
/** The program stores p in basis points (verify_probability_bps). */
export const BPS = 10_000;

export interface SelectionSeed {
  /** 32 bytes: the VRF output for the execution, hashed with its slot hash. */
  randomness: Uint8Array;
  /** The certified liveness table the pick is made from. */
  tableRoot: Hash32;
  /** 32-byte execution id (its on-chain address). */
  executionId: Uint8Array;
  taskKey: string;
  /** 0 for the first assignment; each reassignment of the same task instance adds one (u8). */
  attempt: number;
}

const utf8 = new TextEncoder();

function checkSeed(seed: SelectionSeed): void {
  const bad =
    seed.randomness.length !== 32
      ? 'randomness must be 32 bytes'
      : seed.tableRoot.length !== 32
        ? 'the table root must be 32 bytes'
        : seed.executionId.length !== 32
          ? 'the execution id must be 32 bytes'
          : !Number.isInteger(seed.attempt) || seed.attempt < 0 || seed.attempt > 255
            ? 'attempt must be 0..255'
            : utf8.encode(seed.taskKey).length > 0xffff
              ? 'the task key is too long'
              : undefined;
  if (bad !== undefined) throw new SelectionError(SelectionErrorCode.INVALID_SEED, bad);
}

function draw(domain: string, seed: SelectionSeed, extra?: Uint8Array): bigint {
  checkSeed(seed);
  const task = utf8.encode(seed.taskKey);
  const len = new Uint8Array(2);
  new DataView(len.buffer).setUint16(0, task.length, true);
  const h = createHash('sha256')
    .update(utf8.encode(domain))
    .update(seed.randomness)
    .update(seed.tableRoot)
    .update(seed.executionId)
    .update(len)
    .update(task)
    .update(Uint8Array.of(seed.attempt));
  if (extra !== undefined) h.update(extra);
  return h.digest().readBigUInt64LE(0);
}

/** Index of the worker among the task's `count` nodes. */
export function workerIndex(seed: SelectionSeed, count: number): number {
  if (count < 1)
    throw new SelectionError(SelectionErrorCode.NO_ELIGIBLE_NODE, `no live node serves '${seed.taskKey}'`);
  return Number(draw(WORKER_DOMAIN, seed) % BigInt(count));
}

/** Index of the verifier among the task's `count` nodes, never the worker's own index. */
export function verifierIndex(seed: SelectionSeed, count: number, worker: number): number {
  if (count < 2)
    throw new SelectionError(
      SelectionErrorCode.NO_ELIGIBLE_NODE,
      `'${seed.taskKey}' has no live node besides its worker to verify it`,
    );
  const j = Number(draw(VERIFIER_DOMAIN, seed) % BigInt(count - 1));
  return j >= worker ? j + 1 : j;
}

/**
 * Whether the task instance is re-executed: drawn from randomness fixed after the worker committed
 * (`commitment` is that commitment), so the worker could not know it when committing.
 */
export function isSampled(seed: SelectionSeed, commitment: Uint8Array, probabilityBps: number): boolean {
  if (!Number.isInteger(probabilityBps) || probabilityBps < 0 || probabilityBps > BPS)
    throw new SelectionError(SelectionErrorCode.INVALID_SEED, `p must be 0..${BPS} basis points`);
  return Number(draw(SAMPLING_DOMAIN, seed, commitment) % BigInt(BPS)) < probabilityBps;
}

export interface Pick {
  nodeKey: Uint8Array;
  proof: MembershipProof;
}

function taskCount(table: LivenessTable, taskKey: string): number {
  return table.tasks.find((t) => t.taskKey === taskKey)?.nodes.length ?? 0;
}

/** The worker the table and the seed select, with the proof the program checks. */
export function pickWorker(table: LivenessTable, seed: SelectionSeed): Pick {
  const i = workerIndex(seed, taskCount(table, seed.taskKey));
  const proof = proveMembership(table, seed.taskKey, i);
  return { nodeKey: proof.nodeLeaf.slice(0, 32), proof };
}

export function pickVerifier(table: LivenessTable, seed: SelectionSeed, worker: number): Pick {
  const i = verifierIndex(seed, taskCount(table, seed.taskKey), worker);
  const proof = proveMembership(table, seed.taskKey, i);
  return { nodeKey: proof.nodeLeaf.slice(0, 32), proof };
}

/**
 * What the program checks for an assignment: the proof places the node in the certified table, and
 * its index is the one the seed draws for that task (a verifier's also skips the worker's index).
 */
export function checkPick(
  certified: { root: Hash32; taskCount: number },
  seed: SelectionSeed,
  proof: MembershipProof,
  role: { kind: 'worker' } | { kind: 'verifier'; workerIndex: number },
): boolean {
  if (proof.taskKey !== seed.taskKey || !equals(seed.tableRoot, certified.root)) return false;
  if (!verifyMembership(certified.root, certified.taskCount, proof)) return false;
  const expected =
    role.kind === 'worker'
      ? workerIndex(seed, proof.nodeCount)
      : verifierIndex(seed, proof.nodeCount, role.workerIndex);
  return proof.nodeIndex === expected;
}
