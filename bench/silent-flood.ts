// A silent-socket flood against a real `splitup node start` process (issue 15, finding 1): 200 TCP
// sockets from 4 loopback addresses that send nothing and are re-opened as soon as the peer drops
// them. Prints, in the same run: a new peer's dial + ping latency with no flood (the baseline) and
// during the flood, how long the peer held silent sockets before dropping them, and the peer's RSS
// before, at its peak during, and after the flood.
// Usage: npm run bench -- silent-flood
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { multiaddr } from '@multiformats/multiaddr';
import { INBOUND_HANDSHAKE_TIMEOUT_MS } from '../node/peer/constants.js';
import { PeerProcess } from '../test/e2e/peer-process.js';
import { loopbackSources, peerAtAddress, startSilentFlood } from '../test/support/silent-flood.js';
import { median } from './lib/stats.js';

const FLOOD_SOCKETS = 200;
const FLOOD_SOURCES = loopbackSources(1, 4);
/** New peers dialing in each phase, each from an address of its own (127.0.1.x, 127.0.2.x). */
const DIALS = 10;
const DIAL_TIMEOUT_MS = 10_000;
/** The flood lasts this long: several handshake timeouts, so sockets are dropped and re-opened. */
const FLOOD_MS = 8 * INBOUND_HANDSHAKE_TIMEOUT_MS;
/** Time the flood gets to take every slot it can before the first dial. */
const FLOOD_SETTLE_MS = 500;
const RSS_SAMPLE_MS = 250;
/** A socket the peer closed faster than this was refused at once. */
const REFUSED_BELOW_MS = 100;
/** A socket held this share of the handshake timeout or more was held until the timeout dropped it. */
const TIMED_OUT_SHARE = 0.9;
/** Time for the peer to release what the flood cost before the last RSS reading. */
const AFTER_FLOOD_MS = 2_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function rssMiB(pid: number): number {
  const line = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(line?.[1] ?? Number.NaN) / 1024;
}

/** Dial + ping latencies of new peers from 127.0.`subnet`.x; failures as their error codes. */
async function dialPhase(target: string, subnet: number) {
  const latencies: number[] = [];
  const failures: string[] = [];
  for (let i = 1; i <= DIALS; i++) {
    const peer = await peerAtAddress(`127.0.${subnet}.${i}`);
    const started = performance.now();
    try {
      await peer.services.ping.ping(multiaddr(target), { signal: AbortSignal.timeout(DIAL_TIMEOUT_MS) });
      latencies.push(performance.now() - started);
    } catch (err) {
      failures.push((err as { code?: string; name?: string }).code ?? (err as Error).name);
    } finally {
      await peer.stop();
    }
  }
  return { latencies, failures };
}

function describeDials(name: string, phase: { latencies: number[]; failures: string[] }): string {
  const ok = phase.latencies;
  const lat =
    ok.length === 0 ? 'n/a' : `median ${median(ok).toFixed(0)} ms, max ${Math.max(...ok).toFixed(0)} ms`;
  const failed = phase.failures.length === 0 ? '' : ` (failed: ${phase.failures.join(', ')})`;
  return `${name}: ${ok.length}/${DIALS} connected, ${lat}${failed}`;
}

const dir = await mkdtemp(join(tmpdir(), 'splitup-bench-flood-'));
const peer = new PeerProcess('target', [
  '--role',
  'oracle',
  '--data-dir',
  join(dir, 'target'),
  '--listen',
  '/ip4/127.0.0.1/tcp/0',
  '--log-level',
  'info',
]);
try {
  const { addr } = await peer.started();
  const port = Number(
    multiaddr(addr)
      .getComponents()
      .find((c) => c.name === 'tcp')!.value,
  );
  const pid = peer.child.pid!;
  const rssBefore = rssMiB(pid);

  const quiet = await dialPhase(addr, 1);

  const flood = startSilentFlood({ host: '127.0.0.1', port, sockets: FLOOD_SOCKETS, sources: FLOOD_SOURCES });
  const floodStarted = performance.now();
  let rssPeak = rssBefore;
  let heldPeak = 0;
  const sampler = setInterval(() => {
    rssPeak = Math.max(rssPeak, rssMiB(pid));
    heldPeak = Math.max(heldPeak, flood.open());
  }, RSS_SAMPLE_MS);
  await sleep(FLOOD_SETTLE_MS);
  const flooded = await dialPhase(addr, 2);
  await sleep(Math.max(0, FLOOD_MS - (performance.now() - floodStarted)));
  const oldestOpen = flood.oldestOpenMs();
  clearInterval(sampler);
  flood.stop();
  await sleep(AFTER_FLOOD_MS);
  const rssAfter = rssMiB(pid);

  const timedOutFrom = TIMED_OUT_SHARE * INBOUND_HANDSHAKE_TIMEOUT_MS;
  const refused = flood.heldMs.filter((ms) => ms < REFUSED_BELOW_MS).length;
  const timedOut = flood.heldMs.filter((ms) => ms >= timedOutFrom);
  const between = flood.heldMs.length - refused - timedOut.length;
  console.log(
    `target: a real \`splitup node start\` (oracle); flood: ${FLOOD_SOCKETS} silent sockets from ` +
      `${FLOOD_SOURCES.length} addresses, re-opened when dropped, for ${(FLOOD_MS / 1000).toFixed(0)} s; ` +
      `handshake timeout ${INBOUND_HANDSHAKE_TIMEOUT_MS} ms`,
  );
  console.log(describeDials('new peer, no flood (baseline)', quiet));
  console.log(describeDials('new peer, during the flood  ', flooded));
  const ratio = median(flooded.latencies) / median(quiet.latencies);
  if (Number.isFinite(ratio)) console.log(`during/baseline median latency: ${ratio.toFixed(2)}x`);
  console.log(
    `silent sockets closed by the peer: ${flood.heldMs.length}; refused within ${REFUSED_BELOW_MS} ms: ${refused}; ` +
      `refused later (a busy event loop): ${between}; held until the handshake timeout: ${timedOut.length} ` +
      `(median ${median(timedOut).toFixed(0)} ms); longest held ${Math.max(0, ...flood.heldMs).toFixed(0)} ms; ` +
      `at most ${heldPeak} open at once; oldest still open at the end ${oldestOpen.toFixed(0)} ms`,
  );
  console.log(
    `peer RSS: before ${rssBefore.toFixed(1)} MiB, peak during ${rssPeak.toFixed(1)} MiB, ` +
      `${(AFTER_FLOOD_MS / 1000).toFixed(0)} s after ${rssAfter.toFixed(1)} MiB`,
  );
} finally {
  peer.child.kill('SIGTERM');
  await peer.exited;
  await rm(dir, { recursive: true, force: true });
}
