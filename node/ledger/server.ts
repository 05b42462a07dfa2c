// The ledger's network face: JSON-RPC over HTTP (node:http) and websocket subscriptions (ws), on
// the RPC port (ws via upgrade) and on a websocket port (RPC port + 1, where web3.js looks).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { type WebSocket, WebSocketServer } from 'ws';
import type { LedgerBank } from './bank.js';
import { KEEP_ALIVE_TIMEOUT_MS, MAX_REQUEST_BYTES } from './constants.js';
import { bindLedgerPorts, type LedgerPortOptions, type LedgerPorts, serveRequests } from './ports.js';
import { handleMessage, stringify } from './rpc-dispatch.js';
import { RPC_INVALID_REQUEST, RpcError } from './rpc-error.js';
import { createRpcMethods, type RpcMethods } from './rpc-methods.js';
import { type SubscriberConnection, SubscriptionHub } from './subscriptions.js';

export interface LedgerServerOptions extends LedgerPortOptions {
  /** Ports already bound (bindLedgerPorts); host/port/wsPort are then ignored. */
  ports?: LedgerPorts;
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

  const ports = options.ports ?? (await bindLedgerPorts(options));
  const http = ports.rpc;
  serveRequests(http, (req: IncomingMessage, res: ServerResponse) =>
    serveHttp(req, res, methods, onInternalError),
  );
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
  if (ports.ws) {
    serveRequests(ports.ws, (_req: IncomingMessage, res: ServerResponse) => {
      res.writeHead(426, { 'content-type': 'text/plain' }).end('websocket only\n');
    });
    ports.ws.on('upgrade', upgrade);
  }

  const host = urlHost(ports.host);
  return {
    rpcUrl: `http://${host}:${ports.rpcPort}`,
    wsUrl: `ws://${host}:${ports.wsPort}`,
    subscriptions: hub,
    async close() {
      for (const client of wss.clients) client.close(WS_CLOSE_NORMAL, 'ledger shutting down');
      hub.close();
      await ports.close();
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
