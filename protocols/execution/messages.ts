// Control messages and their strict decoding. JSON on the wire (small, rare messages), but every
// field is checked for type and size before use: a peer never trusts another peer's JSON.
import { MAX_ADDRS_PER_PEER, MAX_ERROR_MESSAGE_BYTES, MAX_ID_BYTES, MAX_ROUTES } from './constants.js';
import { ExecutionError, ExecutionErrorCode } from './errors.js';

/** How to reach a peer: its PeerId string and the multiaddrs it listens on. */
export interface PeerRef {
  peer: string;
  addrs: string[];
}

/** Where one output tensor of the assigned task goes: a task input of another peer, or the client. */
export interface Route {
  output: string;
  to: { task: string; tensor: string; peer: PeerRef };
}

/** Which peer sends one input tensor of the assigned task: the upstream task's peer, or the client. */
export interface Source {
  tensor: string;
  peer: string;
}

/** Client → worker: run `taskId` for `executionId` once its inputs arrive; send outputs per routes. */
export interface AssignMessage {
  type: 'assign';
  executionId: string;
  taskId: string;
  /** sha256 of the bundle manifest both sides run, so a worker never runs a different model. */
  bundleId: string;
  client: PeerRef;
  routes: Route[];
  /** One per task input: the only peer the worker accepts that tensor from. */
  sources: Source[];
  /** Unix ms after which the worker stops waiting for inputs. */
  deadline: number;
}

/** Worker → client: the task finished (outputs sent) or failed. */
export interface ReportMessage {
  type: 'report';
  executionId: string;
  taskId: string;
  status: 'done' | 'failed';
  code?: string;
  message?: string;
}

export type ExecutionMessage = AssignMessage | ReportMessage;

export type Reply = { ok: true } | { ok: false; code: string; message: string };

function fail(message: string): never {
  throw new ExecutionError(ExecutionErrorCode.MALFORMED_MESSAGE, message);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function id(obj: Record<string, unknown>, key: string): string {
  const value = obj[key];
  if (typeof value !== 'string' || value.length === 0 || Buffer.byteLength(value) > MAX_ID_BYTES)
    fail(`field '${key}' must be a non-empty string of at most ${MAX_ID_BYTES} bytes`);
  return value;
}

function peerRef(value: unknown, where: string): PeerRef {
  if (!isRecord(value)) fail(`${where} must be an object`);
  const addrs = value.addrs;
  if (!Array.isArray(addrs) || addrs.length > MAX_ADDRS_PER_PEER)
    fail(`${where}.addrs must be an array of at most ${MAX_ADDRS_PER_PEER} multiaddrs`);
  for (const a of addrs) if (typeof a !== 'string' || a.length > 512) fail(`${where}.addrs has a bad entry`);
  return { peer: id(value, 'peer'), addrs: addrs as string[] };
}

function route(value: unknown, i: number): Route {
  if (!isRecord(value) || !isRecord(value.to))
    fail(`routes[${i}] must be {output, to: {task, tensor, peer}}`);
  const to = value.to;
  return {
    output: id(value, 'output'),
    to: { task: id(to, 'task'), tensor: id(to, 'tensor'), peer: peerRef(to.peer, `routes[${i}].to.peer`) },
  };
}

function source(value: unknown, i: number): Source {
  if (!isRecord(value)) fail(`sources[${i}] must be {tensor, peer}`);
  return { tensor: id(value, 'tensor'), peer: id(value, 'peer') };
}

function decodeAssign(obj: Record<string, unknown>): AssignMessage {
  const routes = obj.routes;
  if (!Array.isArray(routes) || routes.length > MAX_ROUTES)
    fail(`routes must be an array of at most ${MAX_ROUTES} entries`);
  const sources = obj.sources;
  if (!Array.isArray(sources) || sources.length > MAX_ROUTES)
    fail(`sources must be an array of at most ${MAX_ROUTES} entries`);
  const decodedSources = sources.map(source);
  const named = new Set(decodedSources.map((s) => s.tensor));
  if (named.size !== decodedSources.length) fail('sources name a tensor twice');
  const deadline = obj.deadline;
  if (typeof deadline !== 'number' || !Number.isSafeInteger(deadline) || deadline <= 0)
    fail('deadline must be a positive integer (unix ms)');
  return {
    type: 'assign',
    executionId: id(obj, 'executionId'),
    taskId: id(obj, 'taskId'),
    bundleId: id(obj, 'bundleId'),
    client: peerRef(obj.client, 'client'),
    routes: routes.map(route),
    sources: decodedSources,
    deadline,
  };
}

function decodeReport(obj: Record<string, unknown>): ReportMessage {
  const status = obj.status;
  if (status !== 'done' && status !== 'failed') fail(`status must be 'done' or 'failed'`);
  const report: ReportMessage = {
    type: 'report',
    executionId: id(obj, 'executionId'),
    taskId: id(obj, 'taskId'),
    status,
  };
  if (obj.code !== undefined) report.code = id(obj, 'code');
  if (obj.message !== undefined) {
    if (typeof obj.message !== 'string') fail('message must be a string');
    report.message = obj.message.slice(0, MAX_ERROR_MESSAGE_BYTES);
  }
  return report;
}

function parseJson(bytes: Uint8Array): unknown {
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (err) {
    throw new ExecutionError(ExecutionErrorCode.MALFORMED_MESSAGE, 'control message is not UTF-8 JSON', {
      cause: err,
    });
  }
}

export function decodeMessage(bytes: Uint8Array): ExecutionMessage {
  const obj = parseJson(bytes);
  if (!isRecord(obj)) fail('control message must be a JSON object');
  if (obj.type === 'assign') return decodeAssign(obj);
  if (obj.type === 'report') return decodeReport(obj);
  return fail(`unknown message type ${JSON.stringify(obj.type)}`);
}

export function decodeReply(bytes: Uint8Array): Reply {
  const obj = parseJson(bytes);
  if (!isRecord(obj) || typeof obj.ok !== 'boolean') fail('reply must be {ok: boolean}');
  if (obj.ok) return { ok: true };
  return {
    ok: false,
    code: typeof obj.code === 'string' ? obj.code.slice(0, MAX_ID_BYTES) : 'UNKNOWN',
    message: typeof obj.message === 'string' ? obj.message.slice(0, MAX_ERROR_MESSAGE_BYTES) : '',
  };
}

export function encodeJson(value: ExecutionMessage | Reply): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(value));
}
