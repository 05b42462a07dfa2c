// A round's liveness table: for every task, the nodes that are live and serve it, as a Merkle tree
// the committee certifies with one root. Built only from node-signed heartbeats (which no oracle can
// forge), so every oracle holding the same heartbeats computes the same bytes.
//
// Layout (all integers little-endian, as the program reads them):
//   node leaf  = node key (32) ‖ sha256 of the node's signed heartbeat (32)
//   task tree  = RFC 6962 tree of the node leaves of one task, sorted by node key
//   task leaf  = u16 key length ‖ task key (UTF-8) ‖ u32 node count ‖ task tree root (32)
//   table root = RFC 6962 tree of the task leaves, sorted by task key bytes
// A certificate signs (round, table root, task count): a Merkle root does not fix its tree's size,
// and the task leaf carries the node count of its own tree.
import { createHash } from 'node:crypto';
import { compare } from 'uint8arrays/compare';
import { toString as bytesToString } from 'uint8arrays/to-string';
import type { SignedHeartbeat } from '../../heartbeat/codec.js';
import { encodePayload, encodeSignedHeartbeat } from '../../heartbeat/codec.js';
import { LivenessTableError, LivenessTableErrorCode } from './errors.js';
import { type Hash32, merkleProof, merkleRoot, verifyMerkleProof } from './merkle.js';

/**
 * Nodes one table lists. An observation names each node's heartbeat in 72 bytes, so 4,096 nodes
 * keep one observation under 300 KiB, well inside a gossip message.
 */
export const MAX_TABLE_NODES = 4_096;
/** Distinct tasks one table lists. */
export const MAX_TABLE_TASKS = 4_096;
export const NODE_LEAF_BYTES = 64;

export interface TaskNodes {
  taskKey: string;
  /** Node keys serving the task, sorted bytewise: leaf i is nodes[i]. */
  nodes: Uint8Array[];
  leaves: Uint8Array[];
  root: Hash32;
}

export interface LivenessTable {
  root: Hash32;
  /** Tasks, sorted by their UTF-8 bytes; the table tree's leaf i is tasks[i]. */
  tasks: TaskNodes[];
  taskLeaves: Uint8Array[];
  /** Per node key (hex), the heartbeat the table took. */
  heartbeats: Map<string, SignedHeartbeat>;
}

/** Everything the program needs to check that `node` is leaf `nodeIndex` of `taskKey`'s tree. */
export interface MembershipProof {
  taskKey: string;
  taskIndex: number;
  taskCount: number;
  taskPath: Hash32[];
  nodeCount: number;
  taskRoot: Hash32;
  nodeIndex: number;
  nodeLeaf: Uint8Array;
  nodePath: Hash32[];
}

const utf8 = new TextEncoder();
const hex = (b: Uint8Array) => bytesToString(b, 'base16');

export function heartbeatDigest(hb: SignedHeartbeat): Hash32 {
  const bytes = encodeSignedHeartbeat(encodePayload(hb), hb.signature);
  return new Uint8Array(createHash('sha256').update(bytes).digest());
}

export function nodeLeaf(nodeKey: Uint8Array, digest: Hash32): Uint8Array {
  const leaf = new Uint8Array(NODE_LEAF_BYTES);
  leaf.set(nodeKey, 0);
  leaf.set(digest, 32);
  return leaf;
}

export function taskLeaf(taskKey: string, nodeCount: number, root: Hash32): Uint8Array {
  const key = utf8.encode(taskKey);
  const leaf = new Uint8Array(2 + key.length + 4 + 32);
  const view = new DataView(leaf.buffer);
  view.setUint16(0, key.length, true);
  leaf.set(key, 2);
  view.setUint32(2 + key.length, nodeCount, true);
  leaf.set(root, 2 + key.length + 4);
  return leaf;
}

/** Per node key (hex), its highest-sequence heartbeat among `heartbeats`. */
export function latestPerNode(heartbeats: Iterable<SignedHeartbeat>): Map<string, SignedHeartbeat> {
  const latest = new Map<string, SignedHeartbeat>();
  for (const hb of heartbeats) {
    const key = hex(hb.nodeKey);
    const held = latest.get(key);
    if (held === undefined || hb.sequence > held.sequence) latest.set(key, hb);
  }
  return latest;
}

/**
 * Takes, per node, its highest-sequence heartbeat (callers pass heartbeats whose signatures and
 * round window they checked) and lists the node under every task it loaded, unless it is draining.
 */
export function buildLivenessTable(heartbeats: Iterable<SignedHeartbeat>): LivenessTable {
  const latest = latestPerNode(heartbeats);
  if (latest.size > MAX_TABLE_NODES)
    throw new LivenessTableError(
      LivenessTableErrorCode.TOO_LARGE,
      `${latest.size} nodes, a table lists at most ${MAX_TABLE_NODES}`,
    );
  const byTask = new Map<string, { key: Uint8Array; leaf: Uint8Array }[]>();
  for (const hb of latest.values()) {
    if (hb.status === 'draining') continue;
    const leaf = nodeLeaf(hb.nodeKey, heartbeatDigest(hb));
    for (const task of new Set(hb.tasks)) {
      const list = byTask.get(task) ?? [];
      list.push({ key: hb.nodeKey, leaf });
      byTask.set(task, list);
    }
  }
  if (byTask.size > MAX_TABLE_TASKS)
    throw new LivenessTableError(
      LivenessTableErrorCode.TOO_LARGE,
      `${byTask.size} tasks, a table lists at most ${MAX_TABLE_TASKS}`,
    );
  const tasks: TaskNodes[] = [...byTask.entries()]
    .map(([taskKey, list]) => ({ taskKey, bytes: utf8.encode(taskKey), list }))
    .sort((a, b) => compare(a.bytes, b.bytes))
    .map(({ taskKey, list }) => {
      list.sort((a, b) => compare(a.key, b.key));
      const leaves = list.map((n) => n.leaf);
      return { taskKey, nodes: list.map((n) => n.key), leaves, root: merkleRoot(leaves) };
    });
  const taskLeaves = tasks.map((t) => taskLeaf(t.taskKey, t.nodes.length, t.root));
  return { root: merkleRoot(taskLeaves), tasks, taskLeaves, heartbeats: latest };
}

/** The proof that node `nodeIndex` of `taskKey`'s sorted list is in `table`. */
export function proveMembership(table: LivenessTable, taskKey: string, nodeIndex: number): MembershipProof {
  const taskIndex = table.tasks.findIndex((t) => t.taskKey === taskKey);
  const task = table.tasks[taskIndex];
  if (task === undefined)
    throw new LivenessTableError(LivenessTableErrorCode.NOT_FOUND, `no live node serves task '${taskKey}'`);
  if (!Number.isSafeInteger(nodeIndex) || nodeIndex < 0 || nodeIndex >= task.nodes.length)
    throw new LivenessTableError(
      LivenessTableErrorCode.NOT_FOUND,
      `task '${taskKey}' has ${task.nodes.length} nodes, not a node ${nodeIndex}`,
    );
  return {
    taskKey,
    taskIndex,
    taskCount: table.tasks.length,
    taskPath: merkleProof(table.taskLeaves, taskIndex),
    nodeCount: task.nodes.length,
    taskRoot: task.root,
    nodeIndex,
    nodeLeaf: task.leaves[nodeIndex]!,
    nodePath: merkleProof(task.leaves, nodeIndex),
  };
}

/** True when `proof` places its node leaf in the table certified as (`root`, `taskCount`). */
export function verifyMembership(root: Hash32, taskCount: number, proof: MembershipProof): boolean {
  if (proof.taskCount !== taskCount || proof.nodeLeaf.length !== NODE_LEAF_BYTES) return false;
  const leaf = taskLeaf(proof.taskKey, proof.nodeCount, proof.taskRoot);
  return (
    verifyMerkleProof(root, leaf, proof.taskIndex, proof.taskCount, proof.taskPath) &&
    verifyMerkleProof(proof.taskRoot, proof.nodeLeaf, proof.nodeIndex, proof.nodeCount, proof.nodePath)
  );
}
