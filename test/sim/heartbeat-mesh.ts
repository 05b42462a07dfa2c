// Builds an in-process network of N heartbeat peers on the memory transport and records, per
// peer, every heartbeat it accepted. Used by the sim test and the heartbeat bench.

import type { SplitUpPeer } from '../../node/peer/create-peer.js';
import { type Heartbeat, heartbeat } from '../../protocols/heartbeat/index.js';
import { connect, createMemoryPeer, stopAll, waitFor } from './memory-network.js';

/** Each peer dials its next ring neighbours plus this many pseudo-random others. */
export const RANDOM_LINKS_PER_PEER = 3;
export const RING_LINKS_PER_PEER = 2;

/**
 * The DHT stays in the stack but in client mode: nobody serves it, so no routing-table pings or
 * random walks dial extra connections. The heartbeat sim measures gossip, not Kademlia (the DHT is
 * exercised by the committee tests and the e2e test).
 */
export const QUIET_DHT = { clientMode: true } as const;

export type HeartbeatPeer = SplitUpPeer<{ heartbeat: Heartbeat }>;

export interface HeartbeatMesh {
  peers: HeartbeatPeer[];
  ids: string[];
  /** received[i] maps an origin PeerId to the sequences peer i accepted from it, with arrival time. */
  received: Array<Map<string, Map<bigint, number>>>;
  /** published[i] maps a sequence of peer i to its publish time. */
  published: Array<Map<bigint, number>>;
  stop(): Promise<void>;
}

/** Deterministic pseudo-random generator so a failing topology can be reproduced. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

export async function createHeartbeatMesh(
  size: number,
  intervalMs: number,
  seed = 1,
): Promise<HeartbeatMesh> {
  const peers = await Promise.all(
    Array.from({ length: size }, () =>
      createMemoryPeer({ services: { heartbeat: heartbeat({ intervalMs }) }, dht: QUIET_DHT }),
    ),
  );
  const ids = peers.map((p) => p.peerId.toString());
  const received = peers.map(() => new Map<string, Map<bigint, number>>());
  const published = peers.map(() => new Map<bigint, number>());
  peers.forEach((peer, i) => {
    peer.services.heartbeat.addEventListener('heartbeat', (e) => {
      const origin = e.detail.from.toString();
      let seqs = received[i]!.get(origin);
      if (seqs === undefined) {
        seqs = new Map();
        received[i]!.set(origin, seqs);
      }
      seqs.set(e.detail.heartbeat.sequence, performance.now());
    });
    peer.services.heartbeat.addEventListener('published', (e) => {
      published[i]!.set(e.detail.sequence, performance.now());
    });
  });
  const random = lcg(seed);
  const links = new Set<string>();
  for (let i = 0; i < size; i++) {
    const targets = new Set<number>();
    for (let k = 1; k <= RING_LINKS_PER_PEER && k < size; k++) targets.add((i + k) % size);
    while (targets.size < Math.min(size - 1, RING_LINKS_PER_PEER + RANDOM_LINKS_PER_PEER)) {
      const j = Math.floor(random() * size);
      if (j !== i) targets.add(j);
    }
    for (const j of targets) {
      const key = i < j ? `${i}-${j}` : `${j}-${i}`;
      if (!links.has(key)) links.add(key);
    }
  }
  await Promise.all(
    [...links].map((key) => {
      const [i, j] = key.split('-').map(Number) as [number, number];
      return connect(peers[i]!, peers[j]!);
    }),
  );
  return { peers, ids, received, published, stop: () => stopAll(peers) };
}

/** True when every peer has accepted at least one heartbeat from every other live peer. */
export function everyoneSeesEveryone(mesh: HeartbeatMesh, live: Set<number>): boolean {
  return [...live].every((i) => [...live].every((j) => i === j || mesh.received[i]!.has(mesh.ids[j]!)));
}

export async function waitForFullView(mesh: HeartbeatMesh, timeoutMs: number): Promise<void> {
  const live = new Set(mesh.peers.map((_, i) => i));
  await waitFor(() => everyoneSeesEveryone(mesh, live), timeoutMs, 'every peer to see every other peer', 100);
}

/** Heartbeats published in [fromMs, toMs) that some live peer (other than the origin) has not accepted. */
export function missingDeliveries(
  mesh: HeartbeatMesh,
  fromMs: number,
  toMs: number,
  live: Set<number>,
): Array<{ origin: number; sequence: bigint; missingAt: number[] }> {
  const out: Array<{ origin: number; sequence: bigint; missingAt: number[] }> = [];
  for (const origin of live) {
    for (const [sequence, at] of mesh.published[origin]!) {
      if (at < fromMs || at >= toMs) continue;
      const missingAt = [...live].filter(
        (i) => i !== origin && !mesh.received[i]!.get(mesh.ids[origin]!)?.has(sequence),
      );
      if (missingAt.length > 0) out.push({ origin, sequence, missingAt });
    }
  }
  return out;
}
