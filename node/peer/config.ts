// Configuration of `splitup node start`: defaults < config file < SPLITUP_* environment < flags.
// One table lists every option with its flag, its environment variable and its file key.
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { peerIdFromString } from '@libp2p/peer-id';
import { multiaddr } from '@multiformats/multiaddr';
import { DEFAULT_NETWORK, NETWORK_NAME_PATTERN } from '../../protocols/committee/index.js';
import { DEFAULT_HEARTBEAT_INTERVAL_MS } from '../../protocols/heartbeat/index.js';
import { CliErrorCode } from '../cli/errors.js';
import { SplitUpError } from '../errors.js';
import { DEFAULT_LISTEN } from './constants.js';
import { ConfigErrorCode } from './errors.js';
import { LOG_FORMATS, LOG_LEVELS, type LogFormat, type LogLevel } from './logger.js';
import { parseHostPort } from './metrics.js';

export const ROLES = ['worker', 'oracle', 'client'] as const;
export type Role = (typeof ROLES)[number];

export interface NodeConfig {
  role: Role;
  dataDir: string;
  listen: string[];
  bootstrap: string[];
  /** Keypair file; undefined means `<dataDir>/keypair.json`, created on first start. */
  keypair: string | undefined;
  network: string;
  logFormat: LogFormat;
  logLevel: LogLevel;
  /** host:port of the Prometheus endpoint; undefined disables it. */
  metrics: string | undefined;
  heartbeatIntervalMs: number;
  committeeRefreshMs: number;
  announceIntervalMs: number;
  /** Worker: the bundle to serve, a local bundle folder or the CID of a published manifest. */
  bundle: string | undefined;
  /** Worker: ids of the tasks to specialize in (their weights are fetched and kept loaded). */
  tasks: string[];
  /** Worker: intra-op threads per task session; undefined uses every core. */
  threads: number | undefined;
  /** Worker: PeerIds of the only clients whose assignments it accepts; empty accepts any client. */
  acceptClients: string[];
  /** Oracle: PeerIds of the committee (this oracle's among them) that certifies liveness rounds. */
  committee: string[];
  /** Direct data channel serving weight blocks: 'auto' (listen host, any port), 'off', or host:port. */
  blocksDirect: string;
  /** Direct data channel offering large tensors this peer sends: 'auto', 'off', or host:port. */
  tensorDirect: string;
}

type Kind = 'string' | 'list' | 'int' | { oneOf: readonly string[] };

interface OptionSpec {
  key: keyof NodeConfig;
  flag: string;
  env: string;
  kind: Kind;
  help: string;
}

/** Every option: flag, environment variable, config-file key (= `key`), and meaning. */
export const NODE_OPTIONS: readonly OptionSpec[] = [
  {
    key: 'role',
    flag: 'role',
    env: 'SPLITUP_ROLE',
    kind: { oneOf: ROLES },
    help: 'worker | oracle | client',
  },
  {
    key: 'dataDir',
    flag: 'data-dir',
    env: 'SPLITUP_DATA_DIR',
    kind: 'string',
    help: 'state folder (default ~/.splitup)',
  },
  {
    key: 'listen',
    flag: 'listen',
    env: 'SPLITUP_LISTEN',
    kind: 'list',
    help: `multiaddr to listen on (default ${DEFAULT_LISTEN})`,
  },
  {
    key: 'bootstrap',
    flag: 'bootstrap',
    env: 'SPLITUP_BOOTSTRAP',
    kind: 'list',
    help: 'multiaddr of a peer to join through',
  },
  {
    key: 'keypair',
    flag: 'keypair',
    env: 'SPLITUP_KEYPAIR',
    kind: 'string',
    help: 'Solana CLI keypair file (default <data-dir>/keypair.json)',
  },
  {
    key: 'network',
    flag: 'network',
    env: 'SPLITUP_NETWORK',
    kind: 'string',
    help: `network name (default ${DEFAULT_NETWORK})`,
  },
  {
    key: 'logFormat',
    flag: 'log-format',
    env: 'SPLITUP_LOG_FORMAT',
    kind: { oneOf: LOG_FORMATS },
    help: 'human | json',
  },
  {
    key: 'logLevel',
    flag: 'log-level',
    env: 'SPLITUP_LOG_LEVEL',
    kind: { oneOf: LOG_LEVELS },
    help: 'debug | info | warn | error',
  },
  {
    key: 'metrics',
    flag: 'metrics',
    env: 'SPLITUP_METRICS',
    kind: 'string',
    help: 'host:port for Prometheus /metrics (off by default)',
  },
  {
    key: 'heartbeatIntervalMs',
    flag: 'heartbeat-interval-ms',
    env: 'SPLITUP_HEARTBEAT_INTERVAL_MS',
    kind: 'int',
    help: `heartbeat period (default ${DEFAULT_HEARTBEAT_INTERVAL_MS})`,
  },
  {
    key: 'committeeRefreshMs',
    flag: 'committee-refresh-ms',
    env: 'SPLITUP_COMMITTEE_REFRESH_MS',
    kind: 'int',
    help: 'committee re-listing period',
  },
  {
    key: 'announceIntervalMs',
    flag: 'announce-interval-ms',
    env: 'SPLITUP_ANNOUNCE_INTERVAL_MS',
    kind: 'int',
    help: 'oracle re-announce period',
  },
  {
    key: 'bundle',
    flag: 'bundle',
    env: 'SPLITUP_BUNDLE',
    kind: 'string',
    help: 'worker: bundle folder, or CID of a published manifest',
  },
  {
    key: 'tasks',
    flag: 'tasks',
    env: 'SPLITUP_TASKS',
    kind: 'list',
    help: 'worker: task ids to serve (comma-separated or repeated)',
  },
  {
    key: 'threads',
    flag: 'threads',
    env: 'SPLITUP_THREADS',
    kind: 'int',
    help: 'worker: threads per task session (default: all cores)',
  },
  {
    key: 'acceptClients',
    flag: 'accept-clients',
    env: 'SPLITUP_ACCEPT_CLIENTS',
    kind: 'list',
    help: 'worker: PeerIds of the only clients whose assignments it accepts (default: any client)',
  },
  {
    key: 'committee',
    flag: 'committee',
    env: 'SPLITUP_COMMITTEE',
    kind: 'list',
    help: 'oracle: PeerIds of the committee that certifies liveness rounds, this one included (default: none, no rounds)',
  },
  {
    key: 'blocksDirect',
    flag: 'blocks-direct',
    env: 'SPLITUP_BLOCKS_DIRECT',
    kind: 'string',
    help: 'plain socket serving weight blocks: auto (listen host, any port) | off | host:port',
  },
  {
    key: 'tensorDirect',
    flag: 'tensor-direct',
    env: 'SPLITUP_TENSOR_DIRECT',
    kind: 'string',
    help: 'socket offering large tensors this peer sends, AES-128-CTR encrypted: auto | off | host:port',
  },
];

/** Committee re-listing default: a heartbeat interval keeps the view as fresh as liveness. */
const DEFAULT_COMMITTEE_REFRESH_MS = DEFAULT_HEARTBEAT_INTERVAL_MS;
const DEFAULT_ANNOUNCE_INTERVAL_MS = 60_000;

export function defaultConfig(): NodeConfig {
  return {
    role: 'worker',
    dataDir: join(homedir(), '.splitup'),
    listen: [DEFAULT_LISTEN],
    bootstrap: [],
    keypair: undefined,
    network: DEFAULT_NETWORK,
    logFormat: 'human',
    logLevel: 'info',
    metrics: undefined,
    heartbeatIntervalMs: DEFAULT_HEARTBEAT_INTERVAL_MS,
    committeeRefreshMs: DEFAULT_COMMITTEE_REFRESH_MS,
    announceIntervalMs: DEFAULT_ANNOUNCE_INTERVAL_MS,
    bundle: undefined,
    tasks: [],
    threads: undefined,
    acceptClients: [],
    committee: [],
    blocksDirect: 'auto',
    tensorDirect: 'auto',
  };
}

/**
 * Where a direct data channel of this peer listens, or undefined for none: `value` is 'off',
 * host:port, or 'auto' (the IP of the first TCP listen address, any free port).
 */
function directListen(
  value: string,
  what: string,
  listen: readonly string[],
): { host: string; port: number } | undefined {
  if (value === 'off') return undefined;
  if (value !== 'auto') return parseHostPort(value, what);
  for (const addr of listen) {
    const components = multiaddr(addr).getComponents();
    const ip = components.find((c) => c.name === 'ip4' || c.name === 'ip6');
    if (ip?.value !== undefined && components.some((c) => c.name === 'tcp'))
      return { host: ip.value, port: 0 };
  }
  return undefined;
}

/** Where this peer serves weight blocks over a plain socket, or undefined for none. */
export function blocksDirectListen(config: NodeConfig): { host: string; port: number } | undefined {
  return directListen(config.blocksDirect, 'blocks-direct address', config.listen);
}

/** Where this peer offers the large tensors it sends, or undefined for none. */
export function tensorDirectListen(config: NodeConfig): { host: string; port: number } | undefined {
  return directListen(config.tensorDirect, 'tensor-direct address', config.listen);
}

type Partial_ = Partial<Record<keyof NodeConfig, unknown>>;

function coerce(spec: OptionSpec, raw: unknown, source: string): unknown {
  const bad = (why: string) =>
    new SplitUpError(ConfigErrorCode.INVALID, `${source}: ${spec.key} ${why}`, { option: spec.key, source });
  const kind = spec.kind;
  if (kind === 'list') {
    // Every source may separate items by commas: a repeated flag, one flag 'a,b', SPLITUP_TASKS=a,b.
    const list = typeof raw === 'string' ? [raw] : raw;
    if (!Array.isArray(list) || !list.every((v) => typeof v === 'string'))
      throw bad('must be a list of strings');
    return list
      .flatMap((v) => v.split(','))
      .map((v) => v.trim())
      .filter((v) => v.length > 0);
  }
  if (kind === 'int') {
    const n = typeof raw === 'string' && /^\d+$/.test(raw.trim()) ? Number(raw) : raw;
    if (typeof n !== 'number' || !Number.isSafeInteger(n) || n <= 0)
      throw bad(`must be a positive integer, got ${JSON.stringify(raw)}`);
    return n;
  }
  if (typeof raw !== 'string' || raw.length === 0)
    throw bad(`must be a non-empty string, got ${JSON.stringify(raw)}`);
  if (typeof kind === 'object' && !kind.oneOf.includes(raw))
    throw bad(`must be one of ${kind.oneOf.join(', ')}, got '${raw}'`);
  return raw;
}

export function configFromEnv(env: NodeJS.ProcessEnv): Partial_ {
  const out: Partial_ = {};
  for (const spec of NODE_OPTIONS) {
    const raw = env[spec.env];
    if (raw !== undefined && raw !== '') out[spec.key] = coerce(spec, raw, `environment ${spec.env}`);
  }
  return out;
}

export async function configFromFile(path: string): Promise<Partial_> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new SplitUpError(
      ConfigErrorCode.FILE_NOT_FOUND,
      `cannot read config file ${path}: ${(err as Error).message}`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new SplitUpError(
      ConfigErrorCode.INVALID,
      `config file ${path} is not valid JSON: ${(err as Error).message}`,
    );
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new SplitUpError(ConfigErrorCode.INVALID, `config file ${path} must hold a JSON object`);
  }
  const out: Partial_ = {};
  for (const [key, value] of Object.entries(parsed)) {
    const spec = NODE_OPTIONS.find((o) => o.key === key);
    if (!spec) {
      throw new SplitUpError(
        ConfigErrorCode.INVALID,
        `config file ${path}: unknown option '${key}' (known: ${NODE_OPTIONS.map((o) => o.key).join(', ')})`,
      );
    }
    out[spec.key] = coerce(spec, value, `config file ${path}`);
  }
  return out;
}

export function configFromFlags(args: string[]): { values: Partial_; configFile: string | undefined } {
  const options: Record<string, { type: 'string'; multiple?: boolean }> = { config: { type: 'string' } };
  for (const spec of NODE_OPTIONS)
    options[spec.flag] = { type: 'string', ...(spec.kind === 'list' ? { multiple: true } : {}) };
  let parsed: ReturnType<typeof parseArgs>['values'];
  try {
    parsed = parseArgs({ args, options, strict: true, allowPositionals: false }).values;
  } catch (err) {
    throw new SplitUpError(CliErrorCode.BAD_ARGS, (err as Error).message);
  }
  const values: Partial_ = {};
  for (const spec of NODE_OPTIONS) {
    const raw = parsed[spec.flag];
    if (raw !== undefined) values[spec.key] = coerce(spec, raw, `flag --${spec.flag}`);
  }
  return { values, configFile: parsed.config as string | undefined };
}

function checkAddresses(config: NodeConfig): void {
  for (const [key, list] of [
    ['listen', config.listen],
    ['bootstrap', config.bootstrap],
  ] as const) {
    for (const addr of list) {
      try {
        multiaddr(addr);
      } catch (err) {
        throw new SplitUpError(
          ConfigErrorCode.INVALID,
          `${key} address '${addr}' is not a multiaddr: ${(err as Error).message}`,
        );
      }
    }
  }
  for (const peer of config.committee) {
    let key: Uint8Array | undefined;
    try {
      key = peerIdFromString(peer).publicKey?.raw;
    } catch (err) {
      throw new SplitUpError(
        ConfigErrorCode.INVALID,
        `committee entry '${peer}' is not a PeerId: ${(err as Error).message}`,
      );
    }
    if (key?.length !== 32)
      throw new SplitUpError(ConfigErrorCode.INVALID, `committee entry '${peer}' is not an Ed25519 PeerId`);
  }
  for (const peer of config.acceptClients) {
    try {
      peerIdFromString(peer);
    } catch (err) {
      throw new SplitUpError(
        ConfigErrorCode.INVALID,
        `accept-clients entry '${peer}' is not a PeerId: ${(err as Error).message}`,
      );
    }
  }
  if (config.role === 'worker' && (config.bundle === undefined) !== (config.tasks.length === 0))
    throw new SplitUpError(ConfigErrorCode.INVALID, 'a worker needs both --bundle and --tasks, or neither');
  if (config.listen.length === 0)
    throw new SplitUpError(ConfigErrorCode.INVALID, 'at least one listen address is needed');
  blocksDirectListen(config); // these throw on a malformed host:port
  tensorDirectListen(config);
  if (!NETWORK_NAME_PATTERN.test(config.network)) {
    throw new SplitUpError(
      ConfigErrorCode.INVALID,
      `network name '${config.network}' must match ${NETWORK_NAME_PATTERN}`,
    );
  }
}

/** Resolves the effective config: flags > environment > config file > defaults. */
export async function loadNodeConfig(
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<NodeConfig> {
  const flags = configFromFlags(args);
  const fromEnv = configFromEnv(env);
  const configFile = flags.configFile ?? env.SPLITUP_CONFIG;
  const fromFile = configFile ? await configFromFile(configFile) : {};
  const config = { ...defaultConfig(), ...fromFile, ...fromEnv, ...flags.values } as NodeConfig;
  config.dataDir = resolve(config.dataDir);
  if (config.keypair !== undefined) config.keypair = resolve(config.keypair);
  checkAddresses(config);
  return config;
}

export function optionsHelp(): string {
  const width = Math.max(...NODE_OPTIONS.map((o) => o.flag.length)) + 2;
  return NODE_OPTIONS.map((o) => `  --${o.flag.padEnd(width)} ${o.env.padEnd(31)} ${o.help}`).join('\n');
}
