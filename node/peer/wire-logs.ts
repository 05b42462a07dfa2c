// The peer's log lines and metrics for what its network services do (connections, heartbeats,
// committee changes, liveness changes on a peer that tracks liveness).
import type { PeerRole, RolePeer } from '../roles/role.js';
import type { Logger } from './logger.js';
import type { createNodeMetrics } from './metrics.js';

export function wirePeerLogs(
  node: RolePeer,
  role: PeerRole,
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
  if (role.tracksLiveness && metrics) {
    hb.liveness.addEventListener('status-change', () => {
      for (const status of ['online', 'suspect', 'offline'] as const) {
        metrics.livenessNodes.set({ status }, hb.liveness.list(status).length);
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
