// JSON-RPC 2.0 envelope handling shared by HTTP and websocket: parse, validate, dispatch (single
// or batch), and turn every failure into an error object. A handler's unexpected exception
// becomes -32603; nothing a client sends can throw out of here.
import { MAX_BATCH_LENGTH } from './constants.js';
import {
  RPC_INTERNAL_ERROR,
  RPC_INVALID_REQUEST,
  RPC_METHOD_NOT_FOUND,
  RPC_PARSE_ERROR,
  RpcError,
} from './rpc-error.js';
import type { RpcMethods } from './rpc-methods.js';

type Id = string | number | null;

export interface RpcResponse {
  jsonrpc: '2.0';
  id: Id;
  result?: unknown;
  error?: { code: number; message: string; data?: unknown };
}

function errorResponse(id: Id, err: RpcError): RpcResponse {
  return { jsonrpc: '2.0', id, error: err.toJson() };
}

function isValidId(id: unknown): id is Id {
  return id === null || typeof id === 'string' || (typeof id === 'number' && Number.isFinite(id));
}

/** Handles one request object; returns undefined for a notification (a request without id). */
export function handleRequest(
  request: unknown,
  methods: RpcMethods,
  onInternalError?: (err: unknown) => void,
): RpcResponse | undefined {
  if (typeof request !== 'object' || request === null || Array.isArray(request)) {
    return errorResponse(
      null,
      new RpcError(RPC_INVALID_REQUEST, 'Invalid request: expected a JSON-RPC 2.0 object'),
    );
  }
  const { jsonrpc, method, params, id } = request as Record<string, unknown>;
  const isNotification = !('id' in request);
  const replyId: Id = isValidId(id) ? id : null;
  if (jsonrpc !== '2.0' || typeof method !== 'string' || (!isNotification && !isValidId(id))) {
    return errorResponse(
      replyId,
      new RpcError(
        RPC_INVALID_REQUEST,
        'Invalid request: needs jsonrpc "2.0", a string method and a valid id',
      ),
    );
  }
  if (params !== undefined && params !== null && !Array.isArray(params)) {
    return errorResponse(replyId, new RpcError(-32602, 'Invalid params: params must be an array'));
  }
  const handler = Object.hasOwn(methods, method) ? methods[method] : undefined;
  if (!handler) {
    return isNotification
      ? undefined
      : errorResponse(replyId, new RpcError(RPC_METHOD_NOT_FOUND, 'Method not found'));
  }
  let result: unknown;
  try {
    result = handler((params as unknown[] | undefined) ?? []);
  } catch (err) {
    if (isNotification) return undefined;
    if (err instanceof RpcError) return errorResponse(replyId, err);
    onInternalError?.(err);
    return errorResponse(
      replyId,
      new RpcError(RPC_INTERNAL_ERROR, `Internal error: ${err instanceof Error ? err.message : String(err)}`),
    );
  }
  return isNotification ? undefined : { jsonrpc: '2.0', id: replyId, result };
}

/** Handles a whole message body (one request or a batch); returns the text to send, if any. */
export function handleMessage(
  text: string,
  methods: RpcMethods,
  onInternalError?: (err: unknown) => void,
): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return stringify(
      errorResponse(null, new RpcError(RPC_PARSE_ERROR, 'Parse error: the body is not valid JSON')),
    );
  }
  if (Array.isArray(parsed)) {
    if (parsed.length === 0 || parsed.length > MAX_BATCH_LENGTH) {
      return stringify(
        errorResponse(
          null,
          new RpcError(
            RPC_INVALID_REQUEST,
            `Invalid request: a batch needs 1 to ${MAX_BATCH_LENGTH} requests`,
          ),
        ),
      );
    }
    const responses = parsed
      .map((r) => handleRequest(r, methods, onInternalError))
      .filter((r): r is RpcResponse => r !== undefined);
    return responses.length > 0 ? stringify(responses) : undefined;
  }
  const response = handleRequest(parsed, methods, onInternalError);
  return response ? stringify(response) : undefined;
}

/** JSON with any stray bigint written as a number (Solana writes u64 as JSON numbers). */
export function stringify(value: unknown): string {
  return JSON.stringify(value, (_key, v) => (typeof v === 'bigint' ? Number(v) : v));
}
