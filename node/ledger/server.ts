// The ledger's network face: JSON-RPC over HTTP (node:http) and websocket subscriptions (ws), on
// the RPC port (ws via upgrade) and on a websocket port (RPC port + 1, where web3.js looks).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { type WebSocket, WebSocketServer } from 'ws';
import type { LedgerBank } from './bank.js';
import { KEEP_ALIVE_TIMEOUT_MS, MAX_REQUEST_BYTES, SHUTDOWN_GRACE_MS } from './constants.js';
import { handleMessage, stringify } from './rpc-dispatch.js';
import { RPC_INVALID_REQUEST, RpcError } from './rpc-error.js';
import { createRpcMethods, type RpcMethods } from './rpc-methods.js';
import { type SubscriberConnection, SubscriptionHub } from './subscriptions.js';

export interface LedgerServerOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** Defaults to port + 1 (0 when port is 0); equal to port serves websockets only by upgrade. */
  wsPort?: number;
  /** Called with unexpected handler failures (bugs), which clients see as -32603. */
  onInternalError?: (err: unknown) => void;
}

export interface LedgerServer {
  readonly rpcUrl: string;
  readonly wsUrl: string;
  readonly subscriptions: SubscriptionHub;
  close(): Promise<void>;
}

/**
 * Normal closure on shutdown: web3.js (rpc-websockets) reconnects forever after any other code,
 * which would keep every client process of a stopped ledger alive and retrying.
 */
const WS_CLOSE_NORMAL = 1000;

function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    const force = setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS);
    force.unref();
    server.close(() => {
      clearTimeout(force);
      resolve();
    });
    server.closeIdleConnections();
  });
}

function urlHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

export async function startLedgerServer(
  bank: LedgerBank,
  options: LedgerServerOptions,
): Promise<LedgerServer> {
  const methods = createRpcMethods(bank);
  const hub = new SubscriptionHub(bank);
  const onInternalError = options.onInternalError;

  const http = createServer((req, res) => serveHttp(req, res, methods, onInternalError));
  // Clients (undici: 4 s) must drop idle keep-alive sockets before the server does, or a request
  // sent on a socket the server is closing fails with "fetch failed".
  http.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  http.headersTimeout = KEEP_ALIVE_TIMEOUT_MS + 1000;
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_REQUEST_BYTES });
  wss.on('connection', (socket) => serveWebSocket(socket, methods, hub, onInternalError));
  const upgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  };
  http.on('upgrade', upgrade);

  const port = await listen(http, options.host, options.port);
  const wantedWsPort = options.wsPort ?? (options.port === 0 ? 0 : options.port + 1);
  let wsServer: Server | undefined;
  let wsPort = port;
  if (wantedWsPort !== port) {
    wsServer = createServer((_req, res) => {
      res.writeHead(426, { 'content-type': 'text/plain' }).end('websocket only\n');
    });
    wsServer.on('upgrade', upgrade);
    try {
      wsPort = await listen(wsServer, options.host, wantedWsPort);
    } catch (err) {
      await closeServer(http);
      throw err;
    }
  }

  const host = urlHost(options.host);
  return {
    rpcUrl: `http://${host}:${port}`,
    wsUrl: `ws://${host}:${wsPort}`,
    subscriptions: hub,
    async close() {
      for (const client of wss.clients) client.close(WS_CLOSE_NORMAL, 'ledger shutting down');
      hub.close();
      await Promise.all([closeServer(http), wsServer ? closeServer(wsServer) : Promise.resolve()]);
      for (const client of wss.clients) client.terminate();
      wss.close();
    },
  };
}

function sendJson(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(body);
}

function serveHttp(
  req: IncomingMessage,
  res: ServerResponse,
  methods: RpcMethods,
  onInternalError: LedgerServerOptions['onInternalError'],
): void {
  if (req.method === 'GET' && req.url === '/health') {
    res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    return;
  }
  if (req.method !== 'POST') {
    res
      .writeHead(405, { allow: 'POST', 'content-type': 'text/plain' })
      .end('JSON-RPC requests must be POSTed\n');
    return;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  let tooLarge = false;
  req.on('data', (chunk: Buffer) => {
    if (tooLarge) return;
    size += chunk.length;
    if (size > MAX_REQUEST_BYTES) {
      tooLarge = true;
      const error = new RpcError(
        RPC_INVALID_REQUEST,
        `Invalid request: body larger than ${MAX_REQUEST_BYTES} bytes`,
      );
      sendJson(res, 413, stringify({ jsonrpc: '2.0', id: null, error: error.toJson() }));
      req.resume();
      return;
    }
    chunks.push(chunk);
  });
  req.on('error', () => res.destroy());
  req.on('end', () => {
    if (tooLarge) return;
    const reply = handleMessage(Buffer.concat(chunks).toString('utf8'), methods, onInternalError);
    if (reply === undefined) res.writeHead(204).end();
    else sendJson(res, 200, reply);
  });
}

function serveWebSocket(
  socket: WebSocket,
  httpMethods: RpcMethods,
  hub: SubscriptionHub,
  onInternalError: LedgerServerOptions['onInternalError'],
): void {
  const connection: SubscriberConnection = {
    notify(method, subscription, result) {
      if (socket.readyState === socket.OPEN) {
        socket.send(stringify({ jsonrpc: '2.0', method, params: { result, subscription } }));
      }
    },
  };
  const methods: RpcMethods = { ...httpMethods, ...hub.methodsFor(connection) };
  socket.on('message', (data) => {
    const text = Array.isArray(data)
      ? Buffer.concat(data).toString('utf8')
      : Buffer.from(data as ArrayBuffer).toString('utf8');
    const reply = handleMessage(text, methods, onInternalError);
    if (reply !== undefined && socket.readyState === socket.OPEN) socket.send(reply);
  });
  socket.on('close', () => hub.dropConnection(connection));
  socket.on('error', () => socket.terminate());
}
