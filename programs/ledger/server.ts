// The ledger's network face: JSON-RPC over HTTP (node:http) and websocket subscriptions (ws), on
// the RPC port (ws via upgrade) and on a websocket port (RPC port + 1, where web3.js looks).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { type WebSocket, WebSocketServer } from 'ws';
import type { LedgerBank } from './bank.js';
import {
  KEEP_ALIVE_TIMEOUT_MS,
  MAX_REQUEST_BYTES,
  MAX_WEBSOCKET_BACKLOG_BYTES,
  MAX_WEBSOCKET_CONNECTIONS,
} from './constants.js';
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
  /** Open websocket connections. */
  readonly websockets: number;
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
  const hub = new SubscriptionHub(bank);
  const onInternalError = options.onInternalError;

  const ports = options.ports ?? (await bindLedgerPorts(options));
  const host = urlHost(ports.host);
  const methods = createRpcMethods(bank, {
    rpc: `${host}:${ports.rpcPort}`,
    pubsub: `${host}:${ports.wsPort}`,
  });
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
    if (wss.clients.size >= MAX_WEBSOCKET_CONNECTIONS) {
      refuseUpgrade(socket, `the ledger serves at most ${MAX_WEBSOCKET_CONNECTIONS} websockets`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  };
  http.on('upgrade', upgrade);
  if (ports.ws) {
    serveRequests(ports.ws, (_req: IncomingMessage, res: ServerResponse) => {
      res.writeHead(426, { 'content-type': 'text/plain' }).end('websocket only\n');
    });
    ports.ws.on('upgrade', upgrade);
  }

  return {
    rpcUrl: `http://${host}:${ports.rpcPort}`,
    wsUrl: `ws://${host}:${ports.wsPort}`,
    subscriptions: hub,
    get websockets() {
      return wss.clients.size;
    },
    async close() {
      for (const client of wss.clients) client.close(WS_CLOSE_NORMAL, 'ledger shutting down');
      hub.close();
      await ports.close();
      for (const client of wss.clients) client.terminate();
      wss.close();
    },
  };
}

/** 503 on the raw socket of an upgrade request that cannot be served. */
function refuseUpgrade(socket: Duplex, reason: string): void {
  socket.end(
    `HTTP/1.1 503 Service Unavailable\r\nconnection: close\r\ncontent-type: text/plain\r\ncontent-length: ${Buffer.byteLength(reason) + 1}\r\n\r\n${reason}\n`,
  );
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
  const tooLarge = () => {
    const error = new RpcError(
      RPC_INVALID_REQUEST,
      `Invalid request: body larger than ${MAX_REQUEST_BYTES} bytes`,
    );
    // Close the connection rather than read (and discard) the rest of an oversized body.
    res.setHeader('connection', 'close');
    res.on('finish', () => req.destroy());
    sendJson(res, 413, stringify({ jsonrpc: '2.0', id: null, error: error.toJson() }));
  };
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > MAX_REQUEST_BYTES) {
    tooLarge();
    return;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  let refused = false;
  req.on('data', (chunk: Buffer) => {
    if (refused) return;
    size += chunk.length;
    if (size > MAX_REQUEST_BYTES) {
      refused = true;
      chunks.length = 0;
      tooLarge();
      return;
    }
    chunks.push(chunk);
  });
  req.on('error', () => res.destroy());
  req.on('end', () => {
    if (refused) return;
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
  // A client that stops reading makes every send queue in this process: past the bound it is cut
  // off, and its subscriptions are freed at once rather than when the close completes.
  const send = (text: string) => {
    if (socket.readyState !== socket.OPEN) return;
    if (socket.bufferedAmount > MAX_WEBSOCKET_BACKLOG_BYTES) {
      hub.dropConnection(connection);
      socket.terminate();
      return;
    }
    socket.send(text);
  };
  const connection: SubscriberConnection = {
    notify(method, subscription, result) {
      if (socket.readyState === socket.OPEN) {
        send(stringify({ jsonrpc: '2.0', method, params: { result, subscription } }));
      }
    },
  };
  const methods: RpcMethods = { ...httpMethods, ...hub.methodsFor(connection) };
  socket.on('message', (data) => {
    const text = Array.isArray(data)
      ? Buffer.concat(data).toString('utf8')
      : Buffer.from(data as ArrayBuffer).toString('utf8');
    const reply = handleMessage(text, methods, onInternalError);
    if (reply !== undefined) send(reply);
  });
  socket.on('close', () => hub.dropConnection(connection));
  socket.on('error', () => socket.terminate());
}
