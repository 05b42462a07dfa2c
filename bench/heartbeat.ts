// Heartbeat gossip at 50 in-process peers (memory transport, full libp2p stack) against a 5-peer
// baseline in the same run: convergence time (publish → accepted by every other peer) and
// accepted heartbeats per peer per second, next to the theoretical (N-1)/interval.
// Usage: node --import tsx --import ./test/setup/preload.mjs bench/heartbeat.ts
import { createHeartbeatMesh, waitForFullView } from '../test/sim/heartbeat-mesh.js';

const INTERVAL_MS = 2_000;
/** Measurement window after the mesh has a full view. */
const MEASURE_MS = 12_000;
const SETUP_DEADLINE_MS = 120_000;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

async function measure(size: number) {
  const mesh = await createHeartbeatMesh(size, INTERVAL_MS);
  try {
    await waitForFullView(mesh, SETUP_DEADLINE_MS);
    const from = performance.now();
    const before = mesh.received.map((r) => [...r.values()].reduce((n, s) => n + s.size, 0));
    await new Promise((r) => setTimeout(r, MEASURE_MS));
    // Let the last heartbeats of the window finish spreading.
    await new Promise((r) => setTimeout(r, INTERVAL_MS));
    const to = from + MEASURE_MS;
    const convergence: number[] = [];
    let incomplete = 0;
    mesh.published.forEach((pubs, origin) => {
      for (const [seq, at] of pubs) {
        if (at < from || at >= to) continue;
        let last = 0;
        let complete = true;
        mesh.received.forEach((rec, i) => {
          if (i === origin) return;
          const got = rec.get(mesh.ids[origin]!)?.get(seq);
          if (got === undefined) complete = false;
          else last = Math.max(last, got - at);
        });
        if (complete) convergence.push(last);
        else incomplete++;
      }
    });
    convergence.sort((a, b) => a - b);
    const after = mesh.received.map((r) => [...r.values()].reduce((n, s) => n + s.size, 0));
    const accepted = after.reduce((n, v, i) => n + v - before[i]!, 0);
    const perPeerPerSecond = accepted / size / ((MEASURE_MS + INTERVAL_MS) / 1000);
    return {
      size,
      heartbeats: convergence.length + incomplete,
      incomplete,
      p50: percentile(convergence, 50),
      p95: percentile(convergence, 95),
      max: convergence.at(-1) ?? Number.NaN,
      perPeerPerSecond,
      theoretical: (size - 1) / (INTERVAL_MS / 1000),
    };
  } finally {
    await mesh.stop();
  }
}

const rows = [];
for (const size of [5, 50]) rows.push(await measure(size));
console.log(`heartbeat interval ${INTERVAL_MS} ms, window ${MEASURE_MS} ms`);
for (const r of rows) {
  console.log(
    `${String(r.size).padStart(3)} peers: ${r.heartbeats} heartbeats (${r.incomplete} not at every peer), convergence p50 ${r.p50.toFixed(1)} ms p95 ${r.p95.toFixed(1)} ms max ${r.max.toFixed(1)} ms; accepted ${r.perPeerPerSecond.toFixed(2)} msg/peer/s (theoretical ${r.theoretical.toFixed(2)})`,
  );
}
const [base, big] = rows as [(typeof rows)[0], (typeof rows)[0]];
console.log(
  `ratio 50/5 peers: convergence p50 ×${(big.p50 / base.p50).toFixed(2)}, p95 ×${(big.p95 / base.p95).toFixed(2)}`,
);
console.log(
  `delivery efficiency (accepted / theoretical): 5 peers ${(base.perPeerPerSecond / base.theoretical).toFixed(3)}, 50 peers ${(big.perPeerPerSecond / big.theoretical).toFixed(3)}`,
);
