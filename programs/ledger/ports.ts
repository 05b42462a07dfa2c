// Binds the ledger's two ports before anything else happens (key files, chain setup), so a taken
// port fails at once with what to pass instead. Port 0 picks a free pair (p, p + 1): web3.js
// derives its websocket URL as the RPC port + 1, so a random websocket port would leave it hanging.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FREE_PORT_PAIR_ATTEMPTS, SHUTDOWN_GRACE_MS } from './constants.js';
import { LedgerError, LedgerErrorCode } from './errors.js';

export interface LedgerPortOptions {
  host: string;
  /** 0 picks a free pair (port, port + 1). */
  port: number;
  /** Defaults to port + 1; equal to port serves websockets only by upgrade on the RPC port. */
  wsPort?: number;
}

/** Both servers listening; requests get 503 until the ledger takes them over. */
export interface LedgerPorts {
  readonly host: string;
  readonly rpc: Server;
  readonly rpcPort: number;
  /** undefined when websockets are served by upgrade on the RPC port. */
  readonly ws: Server | undefined;
  readonly wsPort: number;
  close(): Promise<void>;
}

function isAddressInUse(err: unknown): boolean {
  return (err as { code?: unknown } | null)?.code === 'EADDRINUSE';
}

function portInUse(host: string, port: number, rpcPort: number, which: 'rpc' | 'ws'): LedgerError {
  const what = which === 'rpc' ? `port ${port}` : `port ${port} (the websocket port)`;
  const by = which === 'ws' && port === rpcPort + 1 ? `, the RPC port + 1,` : '';
  return new LedgerError(
    LedgerErrorCode.PORT_IN_USE,
    `${what}${by} is taken on ${host}; pass --port <n> (the websocket uses port + 1) or --port 0 for a free pair`,
    { host, port, which },
  );
}

/** A server that answers 503 until the ledger's own handlers replace this one. */
function startingServer(): Server {
  const server = createServer();
  server.on('request', starting);
  return server;
}

function starting(_req: unknown, res: ServerResponse): void {
  res.writeHead(503, { 'content-type': 'text/plain', 'retry-after': '1' }).end('ledger starting\n');
}

/** Hands a bound server over from the 503 answer to `handler`. */
export function serveRequests(
  server: Server,
  handler: (req: IncomingMessage, res: ServerResponse) => void,
): void {
  server.off('request', starting);
  server.on('request', handler);
}

function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) {
      resolve();
      return;
    }
    const force = setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS);
    force.unref();
    server.close(() => {
      clearTimeout(force);
      resolve();
    });
    server.closeIdleConnections();
  });
}

async function bindOne(host: string, port: number, rpcPort: number, which: 'rpc' | 'ws') {
  const server = startingServer();
  try {
    return { server, port: await listen(server, host, port) };
  } catch (err) {
    if (isAddressInUse(err)) throw portInUse(host, port, rpcPort, which);
    throw err;
  }
}

function ports(host: string, rpc: Server, rpcPort: number, ws: Server | undefined, wsPort: number) {
  return {
    host,
    rpc,
    rpcPort,
    ws,
    wsPort,
    close: async () => {
      await Promise.all([closeServer(rpc), ws ? closeServer(ws) : Promise.resolve()]);
    },
  };
}

/** A free (p, p + 1): bind p anywhere, then p + 1; another process may hold p + 1, so retry. */
async function bindFreePair(host: string): Promise<LedgerPorts> {
  for (let attempt = 0; attempt < FREE_PORT_PAIR_ATTEMPTS; attempt++) {
    const rpc = await bindOne(host, 0, 0, 'rpc');
    if (rpc.port < 65535) {
      try {
        const ws = await bindOne(host, rpc.port + 1, rpc.port, 'ws');
        return ports(host, rpc.server, rpc.port, ws.server, ws.port);
      } catch (err) {
        await closeServer(rpc.server);
        if (!(err instanceof LedgerError && err.code === LedgerErrorCode.PORT_IN_USE)) throw err;
        continue;
      }
    }
    await closeServer(rpc.server);
  }
  throw new LedgerError(
    LedgerErrorCode.PORT_IN_USE,
    `found no free pair of adjacent ports on ${host} in ${FREE_PORT_PAIR_ATTEMPTS} tries; pass --port <n> (the websocket uses port + 1)`,
    { host },
  );
}

export async function bindLedgerPorts(options: LedgerPortOptions): Promise<LedgerPorts> {
  const { host, port } = options;
  if (port === 0 && options.wsPort === undefined) return bindFreePair(host);
  const rpc = await bindOne(host, port, port, 'rpc');
  const wanted = options.wsPort ?? port + 1;
  if (wanted > 65535) {
    await closeServer(rpc.server);
    throw new LedgerError(
      LedgerErrorCode.BAD_OPTION,
      `the websocket port would be ${wanted} (port + 1); pass a lower --port or a --ws-port`,
    );
  }
  if (wanted === rpc.port) return ports(host, rpc.server, rpc.port, undefined, rpc.port);
  try {
    const ws = await bindOne(host, wanted, rpc.port, 'ws');
    return ports(host, rpc.server, rpc.port, ws.server, ws.port);
  } catch (err) {
    await closeServer(rpc.server);
    throw err;
  }
}
