// Prometheus metrics of a peer (prom-client) and the optional HTTP endpoint serving /metrics.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Counter, collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import type { HeartbeatMetrics } from '../../protocols/heartbeat/index.js';
import { SplitUpError } from '../errors.js';
import { ConfigErrorCode, MetricsErrorCode } from './errors.js';

export interface NodeMetrics {
  registry: Registry;
  heartbeat: HeartbeatMetrics;
  livenessNodes: Gauge<'status'>;
  committeeMembers: Gauge;
  connections: Gauge;
}

export function createNodeMetrics(): NodeMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'splitup_process_' });
  const validationResults = new Counter({
    name: 'splitup_heartbeat_validation_total',
    help: 'Received heartbeats by gossip validation result and error code',
    labelNames: ['result', 'code'] as const,
    registers: [registry],
  });
  const published = new Counter({
    name: 'splitup_heartbeat_published_total',
    help: 'Heartbeats this node published',
    registers: [registry],
  });
  return {
    registry,
    heartbeat: { validationResults, published },
    livenessNodes: new Gauge({
      name: 'splitup_liveness_nodes',
      help: 'Nodes known to the liveness tracker, by status',
      labelNames: ['status'] as const,
      registers: [registry],
    }),
    committeeMembers: new Gauge({
      name: 'splitup_committee_members',
      help: 'Committee members found in the DHT at the last refresh',
      registers: [registry],
    }),
    connections: new Gauge({
      name: 'splitup_connections',
      help: 'Open libp2p connections',
      registers: [registry],
    }),
  };
}

export interface MetricsServer {
  url: string;
  close(): Promise<void>;
}

/** Parses `host:port` (port 0 picks a free one); `what` names the option in the error. */
export function parseHostPort(text: string, what = 'metrics address'): { host: string; port: number } {
  const match = /^(.+):(\d{1,5})$/.exec(text);
  const port = match ? Number(match[2]) : Number.NaN;
  if (!match || port > 65_535) {
    throw new SplitUpError(
      ConfigErrorCode.INVALID,
      `${what} '${text}' must be host:port, e.g. 127.0.0.1:9464`,
    );
  }
  return { host: match[1]!.replace(/^\[(.*)\]$/, '$1'), port };
}

export async function startMetricsServer(registry: Registry, address: string): Promise<MetricsServer> {
  const { host, port } = parseHostPort(address);
  const server: Server = createServer((req, res) => {
    if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: try GET /metrics\n');
      return;
    }
    registry.metrics().then(
      (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text),
      (err: unknown) =>
        res.writeHead(500, { 'content-type': 'text/plain' }).end(`${(err as Error).message}\n`),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err) =>
      reject(
        new SplitUpError(
          MetricsErrorCode.LISTEN_FAILED,
          `cannot serve metrics on ${address}: ${err.message}`,
        ),
      ),
    );
    server.listen(port, host, () => resolve());
  });
  const bound = server.address() as AddressInfo;
  const shownHost = bound.family === 'IPv6' ? `[${bound.address}]` : bound.address;
  return {
    url: `http://${shownHost}:${bound.port}/metrics`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
