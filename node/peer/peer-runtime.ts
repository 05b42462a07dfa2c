// Starts a peer for one role from a resolved NodeConfig: identity, libp2p node, the role's
// network services (heartbeat, liveness, committee), logs, metrics; and stops it all cleanly.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { type Blocks, blocks } from '../../protocols/blocks/index.js';
import { type Committee, committee, RECORD_TTL_ANNOUNCE_INTERVALS } from '../../protocols/committee/index.js';
import { type ExecutionControl, executionControl } from '../../protocols/execution/index.js';
import { type Heartbeat, heartbeat } from '../../protocols/heartbeat/index.js';
import { type TensorStream, tensorStream } from '../../protocols/tensor-stream/index.js';
import { WeightStore } from '../../storage/weights/index.js';
import { generateIdentity, type Identity } from '../identity/identity.js';
import { loadOrCreateKeypairFile, readKeypairFile } from '../identity/keypair-file.js';
import { InferenceClient } from '../roles/client/inference-client.js';
import { startWorkerTasks } from '../roles/worker/start-worker.js';
import { WorkerExecutor } from '../roles/worker/worker-executor.js';
import { BootstrapDialer } from './bootstrap-dialer.js';
import { blocksDirectListen, type NodeConfig, tensorDirectListen } from './config.js';
import { ContentProvider } from './content-provider.js';
import { createPeer, type SplitUpPeer } from './create-peer.js';
import type { Logger } from './logger.js';
import { createNodeMetrics, type MetricsServer, startMetricsServer } from './metrics.js';

export const DEFAULT_KEYPAIR_FILE = 'keypair.json';

export type RoleServices = {
  heartbeat: Heartbeat;
  committee: Committee;
  /** Serves (and fetches) weight blocks from this peer's store. */
  blocks: Blocks;
  tensorStream: TensorStream;
  execution: ExecutionControl;
};

export interface RunningPeer {
  node: SplitUpPeer<RoleServices>;
  identity: Identity;
  store: WeightStore;
  /** The worker's executor (tasks loaded once `node start` returned); undefined for other roles. */
  worker: WorkerExecutor | undefined;
  /** The client's inference API; undefined for other roles. */
  client: InferenceClient | undefined;
  metricsUrl: string | undefined;
  stop(): Promise<void>;
}

async function loadIdentity(config: NodeConfig, logger: Logger): Promise<Identity> {
  // An explicit --keypair must exist: silently creating a new identity would change who we are.
  if (config.keypair !== undefined) return readKeypairFile(config.keypair);
  const path = join(config.dataDir, DEFAULT_KEYPAIR_FILE);
  const { identity, created } = await loadOrCreateKeypairFile(path, generateIdentity);
  if (created) logger.info('identity.created', { keypair: path });
  return identity;
}

export async function startPeer(config: NodeConfig, logger: Logger): Promise<RunningPeer> {
  await mkdir(config.dataDir, { recursive: true });
  const identity = await loadIdentity(config, logger);
  const metrics = config.metrics !== undefined ? createNodeMetrics() : undefined;
  const recordTtlS = Math.ceil((config.announceIntervalMs * RECORD_TTL_ANNOUNCE_INTERVALS) / 1000);
  const store = await WeightStore.open(config.dataDir);
  const log = (event: string, fields: Record<string, unknown>) => logger.info(event, fields);
  const worker = config.role === 'worker' ? new WorkerExecutor({ log }) : undefined;
  const client = config.role === 'client' ? new InferenceClient() : undefined;
  const blocksDirect = blocksDirectListen(config);
  const tensorDirect = tensorDirectListen(config);
  const node = await createPeer<RoleServices>({
    privateKey: identity.privateKey,
    listen: config.listen,
    // Committee records expire unless renewed, so a departed oracle drops out of the listing.
    dht: { providers: { provideValidity: recordTtlS, cleanupInterval: recordTtlS } },
    services: {
      heartbeat: heartbeat({
        intervalMs: config.heartbeatIntervalMs,
        publish: config.role !== 'client',
        trackLiveness: config.role === 'oracle',
        metrics: metrics?.heartbeat,
        // Heartbeats list only tasks whose sessions are loaded, so nobody assigns work too early.
        localStatus: () => ({ status: 'ready', freeVramBytes: 0n, tasks: worker?.loadedTasks ?? [] }),
      }),
      committee: committee({
        network: config.network,
        announce: config.role === 'oracle',
        announceIntervalMs: config.announceIntervalMs,
        refreshIntervalMs: config.committeeRefreshMs,
      }),
      blocks: blocks({ store, ...(blocksDirect === undefined ? {} : { direct: blocksDirect }) }),
      tensorStream: tensorStream({
        interfaceFor: (worker ?? client)?.interfaceFor ?? (() => undefined),
        ...(tensorDirect === undefined ? {} : { direct: tensorDirect }),
        onDirectFallback: (err, from) =>
          logger.warn('tensor.direct_fallback', {
            from: from.toString(),
            code: err.code,
            reason: err.message,
          }),
      }),
      execution: executionControl({
        ...(worker ? { onAssign: worker.onAssign } : {}),
        ...(client ? { onReport: client.onReport } : {}),
        onRejected: logRejection(logger),
      }),
    },
  });
  worker?.attach(node);
  client?.attach(node);
  wireLogs(node, config, logger, metrics);
  logger.info('node.started', {
    role: config.role,
    peerId: identity.peerId.toString(),
    address: identity.address,
    network: config.network,
    listen: node.getMultiaddrs().map(String),
    blocksDirectPort: node.services.blocks.directPort ?? 'off',
    tensorDirectPort: node.services.tensorStream.directPort ?? 'off',
  });
  const dialer = new BootstrapDialer(node, config.bootstrap, logger);
  dialer.start();
  const provider = new ContentProvider(node, store, config.announceIntervalMs, logger);
  provider.start();
  const shutdown = new AbortController();
  let metricsServer: MetricsServer | undefined;
  // One teardown, in reverse start order, for a failed start and for stop() alike.
  const teardown = async () => {
    shutdown.abort();
    provider.stop();
    dialer.stop();
    await worker?.close();
    await metricsServer?.close();
    await node.stop();
    await store.stop();
  };
  try {
    if (metrics) {
      metricsServer = await startMetricsServer(metrics.registry, config.metrics!);
      logger.info('metrics.listening', { url: metricsServer.url });
    }
    if (worker && config.bundle !== undefined) {
      const { bundleId } = await startWorkerTasks({
        bundle: config.bundle,
        tasks: config.tasks,
        dataDir: config.dataDir,
        ...(config.threads === undefined ? {} : { threads: config.threads }),
        store,
        blocks: node.services.blocks,
        executor: worker,
        log,
        signal: shutdown.signal,
      });
      logger.info('worker.ready', {
        peerId: identity.peerId.toString(),
        bundleId,
        tasks: worker.loadedTasks,
        listen: node.getMultiaddrs().map(String),
      });
      void node.services.heartbeat.publishNow().catch(() => undefined);
    }
  } catch (err) {
    await teardown();
    throw err;
  }
  let stopping: Promise<void> | undefined;
  return {
    node,
    identity,
    store,
    worker,
    client,
    metricsUrl: metricsServer?.url,
    stop: () => {
      stopping ??= (async () => {
        await teardown();
        logger.info('node.stopped', { peerId: identity.peerId.toString() });
      })();
      return stopping;
    },
  };
}

function logRejection(logger: Logger) {
  return (err: { code: string; message: string }, from: { toString(): string }) =>
    logger.warn('execution.rejected', { code: err.code, from: from.toString(), reason: err.message });
}

function wireLogs(
  node: SplitUpPeer<RoleServices>,
  config: NodeConfig,
  logger: Logger,
  metrics: ReturnType<typeof createNodeMetrics> | undefined,
): void {
  const { heartbeat: hb, committee: cm } = node.services;
  node.addEventListener('peer:connect', (e) => {
    logger.debug('peer.connected', { peer: e.detail.toString() });
    metrics?.connections.set(node.getConnections().length);
  });
  node.addEventListener('peer:disconnect', (e) => {
    logger.debug('peer.disconnected', { peer: e.detail.toString() });
    metrics?.connections.set(node.getConnections().length);
  });
  hb.addEventListener('published', (e) => logger.debug('heartbeat.published', { seq: e.detail.sequence }));
  hb.addEventListener('publish-error', (e) => logger.warn('heartbeat.publish_failed', { error: e.detail }));
  hb.addEventListener('heartbeat', (e) =>
    logger.debug('heartbeat.received', {
      from: e.detail.from.toString(),
      seq: e.detail.heartbeat.sequence,
      status: e.detail.heartbeat.status,
    }),
  );
  hb.addEventListener('invalid', (e) =>
    logger.warn('heartbeat.invalid', {
      code: e.detail.error.code,
      result: e.detail.result,
      from: e.detail.from?.toString(),
      via: e.detail.propagationSource.toString(),
      reason: e.detail.error.message,
    }),
  );
  if (config.role === 'oracle') {
    hb.liveness.addEventListener('status-change', (e) => {
      logger.info('liveness.changed', {
        peer: e.detail.peerId,
        from: e.detail.previous,
        to: e.detail.status,
      });
      if (metrics) {
        for (const status of ['online', 'suspect', 'offline'] as const) {
          metrics.livenessNodes.set({ status }, hb.liveness.list(status).length);
        }
      }
    });
  }
  cm.addEventListener('change', (e) => {
    logger.info('committee.changed', {
      members: e.detail.members.map((m) => m.peerId),
      added: e.detail.added,
      removed: e.detail.removed,
    });
    metrics?.committeeMembers.set(e.detail.members.length);
  });
  cm.addEventListener('announced', (e) => logger.debug('committee.announced', { stored: e.detail.stored }));
  cm.addEventListener('error', (e) => logger.debug('committee.error', { error: e.detail }));
}
