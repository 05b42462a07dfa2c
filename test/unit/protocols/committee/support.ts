// Signed heartbeats of fresh node keys, for liveness-table and selection tests.
import { randomBytes } from 'node:crypto';
import * as ed from '@noble/ed25519';
import {
  decodeSignedHeartbeat,
  type NodeStatus,
  type SignedHeartbeat,
} from '../../../../protocols/heartbeat/codec.js';
import { signHeartbeat } from '../../../../protocols/heartbeat/signer.js';

export function signedHeartbeat(
  seed: Uint8Array,
  fields: { sequence?: bigint; tasks: string[]; status?: NodeStatus },
): SignedHeartbeat {
  const bytes = signHeartbeat(
    {
      nodeKey: ed.getPublicKey(seed),
      sequence: fields.sequence ?? 1n,
      timestampMs: 1_700_000_000_000n,
      status: fields.status ?? 'ready',
      freeVramBytes: 8n << 30n,
      tasks: fields.tasks,
    },
    seed,
  );
  return decodeSignedHeartbeat(bytes).heartbeat;
}

export function nodeSeeds(n: number): Uint8Array[] {
  return Array.from({ length: n }, () => randomBytes(32));
}

export function shuffled<T>(items: readonly T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
