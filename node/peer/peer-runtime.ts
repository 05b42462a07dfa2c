// The one peer runtime: from a resolved NodeConfig it builds identity, store, the libp2p node with
// the shared services (heartbeat, committee, blocks, tensor stream, execution control) configured
// by the role, logs and metrics; starts the role; and stops it all cleanly, in reverse order.
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { blocks } from '../../protocols/blocks/index.js';
import { committee, RECORD_TTL_ANNOUNCE_INTERVALS } from '../../protocols/committee/index.js';
import { executionControl } from '../../protocols/execution/index.js';
import { heartbeat } from '../../protocols/heartbeat/index.js';
import { tensorStream } from '../../protocols/tensor-stream/index.js';
import { WeightStore } from '../../storage/weights/index.js';
import { generateIdentity, type Identity } from '../identity/identity.js';
import { loadOrCreateKeypairFile, readKeypairFile } from '../identity/keypair-file.js';
import { type PeerRole, type RolePeer, roleFor } from '../roles/index.js';
import { BootstrapDialer } from './bootstrap-dialer.js';
import { blocksDirectListen, type NodeConfig, tensorDirectListen } from './config.js';
import { ContentProvider } from './content-provider.js';
import { createPeer } from './create-peer.js';
import type { Logger } from './logger.js';
import { createNodeMetrics, type MetricsServer, startMetricsServer } from './metrics.js';
import type { RoleServices } from './role-services.js';
import { wirePeerLogs } from './wire-logs.js';

export type { RoleServices } from './role-services.js';

export const DEFAULT_KEYPAIR_FILE = 'keypair.json';

export interface RunningPeer<R extends PeerRole = PeerRole> {
  node: RolePeer;
  identity: Identity;
  store: WeightStore;
  role: R;
  metricsUrl: string | undefined;
  stop(): Promise<void>;
}

export interface StartPeerOptions<R extends PeerRole> {
  /** The role to play; by default the one `config.role` names (see node/roles). */
  role?: R;
  /** An identity already in hand (e.g. a fresh one for one inference); else from the config. */
  identity?: Identity;
  /** Aborting it while the role starts (a worker fetching its weights) stops the peer. */
  signal?: AbortSignal;
}

async function loadIdentity(config: NodeConfig, logger: Logger): Promise<Identity> {
  // An explicit --keypair must exist: silently creating a new identity would change who we are.
  if (config.keypair !== undefined) return readKeypairFile(config.keypair);
  const path = join(config.dataDir, DEFAULT_KEYPAIR_FILE);
  const { identity, created } = await loadOrCreateKeypairFile(path, generateIdentity);
  if (created) logger.info('identity.created', { keypair: path });
  return identity;
}

export async function startPeer<R extends PeerRole = PeerRole>(
  config: NodeConfig,
  logger: Logger,
  options: StartPeerOptions<R> = {},
): Promise<RunningPeer<R>> {
  assert(
    options.role === undefined || options.role.name === config.role,
    `startPeer: role ${options.role?.name} given for a ${config.role} config`,
  );
  await mkdir(config.dataDir, { recursive: true });
  const identity = options.identity ?? (await loadIdentity(config, logger));
  const role = options.role ?? (roleFor(config, logger) as R);
  const metrics = config.metrics !== undefined ? createNodeMetrics() : undefined;
  const recordTtlS = Math.ceil((config.announceIntervalMs * RECORD_TTL_ANNOUNCE_INTERVALS) / 1000);
  const store = await WeightStore.open(config.dataDir);
  const blocksDirect = blocksDirectListen(config);
  const tensorDirect = tensorDirectListen(config);
  let node: RolePeer;
  try {
    node = await createPeer<RoleServices>({
      privateKey: identity.privateKey,
      listen: config.listen,
      // The bootstrap peers keep handshake slots when strangers flood the others.
      knownAddrs: config.bootstrap,
      // Committee records expire unless renewed, so a departed oracle drops out of the listing.
      dht: { providers: { provideValidity: recordTtlS, cleanupInterval: recordTtlS } },
      services: {
        heartbeat: heartbeat({
          intervalMs: config.heartbeatIntervalMs,
          publish: role.publishesHeartbeats,
          trackLiveness: role.tracksLiveness,
          metrics: metrics?.heartbeat,
          localStatus: () => role.localStatus(),
        }),
        committee: committee({
          network: config.network,
          announce: role.announcesCommittee,
          announceIntervalMs: config.announceIntervalMs,
          refreshIntervalMs: config.committeeRefreshMs,
        }),
        blocks: blocks({ store, ...(blocksDirect === undefined ? {} : { direct: blocksDirect }) }),
        tensorStream: tensorStream({
          ...(tensorDirect === undefined ? {} : { direct: tensorDirect }),
          onDirectFallback: (err, from) =>
            logger.warn('tensor.direct_fallback', {
              from: from.toString(),
              code: err.code,
              reason: err.message,
            }),
        }),
        execution: executionControl({
          ...(role.onAssign ? { onAssign: role.onAssign } : {}),
          ...(role.onReport ? { onReport: role.onReport } : {}),
          onRejected: (err, from) =>
            logger.warn('execution.rejected', { code: err.code, from: from.toString(), reason: err.message }),
        }),
      },
    });
  } catch (err) {
    await store.stop();
    throw err;
  }
  role.attach(node);
  wirePeerLogs(node, role, logger, metrics);
  logger.info('node.started', {
    role: role.name,
    peerId: identity.peerId.toString(),
    address: identity.address,
    network: config.network,
    listen: node.getMultiaddrs().map(String),
    blocksDirectPort: node.services.blocks.directPort ?? 'off',
    tensorDirectPort: node.services.tensorStream.directPort ?? 'off',
  });
  if (config.bootstrap.length === 0 && role.name !== 'oracle')
    logger.warn('node.no_bootstrap', {
      hint: 'this peer dials nobody: pass --bootstrap <multiaddr of a peer of the network> so it can find providers and the committee',
    });
  const dialer = new BootstrapDialer(node, config.bootstrap, logger);
  dialer.start();
  const provider = new ContentProvider(node, store, config.announceIntervalMs, logger);
  provider.start();
  const shutdown = new AbortController();
  const onAbort = () => shutdown.abort(options.signal?.reason);
  options.signal?.addEventListener('abort', onAbort, { once: true });
  let metricsServer: MetricsServer | undefined;
  // One teardown, in reverse start order, for a failed start and for stop() alike.
  const teardown = async () => {
    shutdown.abort();
    provider.stop();
    dialer.stop();
    await role.stop();
    await metricsServer?.close();
    await node.stop();
    await store.stop();
  };
  try {
    if (metrics) {
      metricsServer = await startMetricsServer(metrics.registry, config.metrics!);
      logger.info('metrics.listening', { url: metricsServer.url });
    }
    if (options.signal?.aborted) throw options.signal.reason;
    await role.start({ node, identity, store, config, logger, signal: shutdown.signal });
  } catch (err) {
    await teardown();
    throw err;
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
  }
  let stopping: Promise<void> | undefined;
  return {
    node,
    identity,
    store,
    role,
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
