// Heartbeat gossip at 50 in-process peers (memory transport, full libp2p stack) against a 5-peer
// baseline in the same run: convergence time (publish → accepted by every other peer), and the
// rates: heartbeats sent per peer per second (against 1/interval: under load, 50 peers on a few
// cores fire their timers late), accepted per peer per second, and the delivery ratio (accepted
// / sent × (N−1)), which is 1 when every heartbeat reaches every peer.
// A heartbeat belongs to the window when its first acceptance anywhere falls in it; all its
// acceptances count, including those just after the window, so the ratio has no edge effects.
// Usage: node --import tsx --import ./test/setup/preload.mjs bench/heartbeat.ts
import { createHeartbeatMesh, waitForFullView } from '../test/sim/heartbeat-mesh.js';

const INTERVAL_MS = 2_000;
/** Measurement window after the mesh has a full view. */
const MEASURE_MS = 12_000;
const SETUP_DEADLINE_MS = 120_000;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

/**
 * Heartbeats whose first acceptance by any peer falls in [from, to), and how many acceptances
 * they got in all.
 */
function windowRates(received: ReadonlyArray<Map<string, Map<bigint, number>>>, from: number, to: number) {
  const heartbeats = new Map<string, { first: number; acceptances: number }>();
  for (const byOrigin of received) {
    for (const [origin, seqs] of byOrigin) {
      for (const [seq, at] of seqs) {
        const key = `${origin}/${seq}`;
        const entry = heartbeats.get(key) ?? { first: at, acceptances: 0 };
        entry.first = Math.min(entry.first, at);
        entry.acceptances++;
        heartbeats.set(key, entry);
      }
    }
  }
  let sent = 0;
  let accepted = 0;
  for (const { first, acceptances } of heartbeats.values()) {
    if (first < from || first >= to) continue;
    sent++;
    accepted += acceptances;
  }
  return { sent, accepted };
}

async function measure(size: number) {
  const mesh = await createHeartbeatMesh(size, INTERVAL_MS);
  try {
    await waitForFullView(mesh, SETUP_DEADLINE_MS);
    const from = performance.now();
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
    const { sent, accepted } = windowRates(mesh.received, from, to);
    const seconds = MEASURE_MS / 1000;
    return {
      size,
      heartbeats: convergence.length + incomplete,
      incomplete,
      p50: percentile(convergence, 50),
      p95: percentile(convergence, 95),
      max: convergence.at(-1) ?? Number.NaN,
      sentPerPeerPerSecond: sent / size / seconds,
      acceptedPerPeerPerSecond: accepted / size / seconds,
      delivery: accepted / (sent * (size - 1)),
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
    `${String(r.size).padStart(3)} peers: ${r.heartbeats} heartbeats (${r.incomplete} not at every peer), convergence p50 ${r.p50.toFixed(1)} ms p95 ${r.p95.toFixed(1)} ms max ${r.max.toFixed(1)} ms`,
  );
  console.log(
    `           sent ${r.sentPerPeerPerSecond.toFixed(2)} heartbeats/peer/s (interval says ${(1000 / INTERVAL_MS).toFixed(2)}), accepted ${r.acceptedPerPeerPerSecond.toFixed(2)} msg/peer/s (${r.theoretical.toFixed(2)} if every peer sent on time), delivery ${r.delivery.toFixed(3)}`,
  );
}
const [base, big] = rows as [(typeof rows)[0], (typeof rows)[0]];
console.log(
  `ratio 50/5 peers: convergence p50 ×${(big.p50 / base.p50).toFixed(2)}, p95 ×${(big.p95 / base.p95).toFixed(2)}`,
);
