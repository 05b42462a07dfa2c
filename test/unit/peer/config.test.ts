import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { isCodedError } from '../../../node/errors.js';
import { blocksDirectListen, loadNodeConfig, tensorDirectListen } from '../../../node/peer/config.js';
import { createLogger } from '../../../node/peer/logger.js';

const dir = await mkdtemp(join(tmpdir(), 'splitup-config-'));
const file = join(dir, 'node.json');
await writeFile(
  file,
  JSON.stringify({ role: 'oracle', network: 'from-file', heartbeatIntervalMs: 1000, logLevel: 'warn' }),
);

test('precedence is flags > environment > config file > defaults', async () => {
  const env = { SPLITUP_CONFIG: file, SPLITUP_NETWORK: 'from-env', SPLITUP_HEARTBEAT_INTERVAL_MS: '2000' };
  const config = await loadNodeConfig(['--heartbeat-interval-ms', '3000'], env);
  assert.equal(config.role, 'oracle');
  assert.equal(config.logLevel, 'warn');
  assert.equal(config.network, 'from-env');
  assert.equal(config.heartbeatIntervalMs, 3000);
  assert.equal(config.logFormat, 'human');
});

test('lists come from repeated flags or comma-separated environment values', async () => {
  const a = await loadNodeConfig(
    ['--bootstrap', '/ip4/127.0.0.1/tcp/1', '--bootstrap', '/ip4/127.0.0.1/tcp/2'],
    {},
  );
  assert.deepEqual(a.bootstrap, ['/ip4/127.0.0.1/tcp/1', '/ip4/127.0.0.1/tcp/2']);
  const b = await loadNodeConfig([], { SPLITUP_LISTEN: '/ip4/127.0.0.1/tcp/5, /ip4/127.0.0.1/tcp/6' });
  assert.deepEqual(b.listen, ['/ip4/127.0.0.1/tcp/5', '/ip4/127.0.0.1/tcp/6']);
});

test('a list flag splits on commas as the help says, alone or repeated, like the environment', async () => {
  const bundle = ['--role', 'worker', '--bundle', 'b'];
  const one = await loadNodeConfig([...bundle, '--tasks', 'task-00,task-01'], {});
  assert.deepEqual(one.tasks, ['task-00', 'task-01']);
  const mixed = await loadNodeConfig([...bundle, '--tasks', 'task-00, task-01', '--tasks', 'task-02'], {});
  assert.deepEqual(mixed.tasks, ['task-00', 'task-01', 'task-02']);
  const env = await loadNodeConfig(bundle, { SPLITUP_TASKS: 'task-00,task-01' });
  assert.deepEqual(env.tasks, one.tasks);
});

test('--accept-clients takes PeerIds (repeated or comma-separated) and refuses anything else', async () => {
  const a = '12D3KooWC8bP8i5Ku96jxCA2Vbufj3itrU3HcQMi8GazdaA3AW9M';
  const b = '12D3KooWMpfGikuppSZhxGi7mQjzyRzBgyY7dhU2Bs9ucmSDva6c';
  assert.deepEqual((await loadNodeConfig([], {})).acceptClients, []);
  const config = await loadNodeConfig(['--accept-clients', `${a},${b}`], {});
  assert.deepEqual(config.acceptClients, [a, b]);
  assert.deepEqual((await loadNodeConfig([], { SPLITUP_ACCEPT_CLIENTS: a })).acceptClients, [a]);
  await assert.rejects(
    loadNodeConfig(['--accept-clients', 'not-a-peer'], {}),
    (e) => isCodedError(e, 'CONFIG_INVALID') && /not-a-peer/.test(e.message),
  );
});

test('bad values fail with typed errors naming the source', async () => {
  await assert.rejects(
    loadNodeConfig(['--role', 'miner'], {}),
    (e) => isCodedError(e, 'CONFIG_INVALID') && /--role/.test(e.message),
  );
  await assert.rejects(loadNodeConfig([], { SPLITUP_HEARTBEAT_INTERVAL_MS: 'soon' }), (e) =>
    isCodedError(e, 'CONFIG_INVALID'),
  );
  await assert.rejects(loadNodeConfig(['--listen', 'not-an-addr'], {}), (e) =>
    isCodedError(e, 'CONFIG_INVALID'),
  );
  await assert.rejects(loadNodeConfig(['--frobnicate'], {}), (e) => isCodedError(e, 'CLI_BAD_ARGS'));
  await assert.rejects(loadNodeConfig(['--config', join(dir, 'none.json')], {}), (e) =>
    isCodedError(e, 'CONFIG_FILE_NOT_FOUND'),
  );
  const unknown = join(dir, 'unknown.json');
  await writeFile(unknown, JSON.stringify({ colour: 'blue' }));
  await assert.rejects(
    loadNodeConfig(['--config', unknown], {}),
    (e) => isCodedError(e, 'CONFIG_INVALID') && /colour/.test(e.message),
  );
});

test('JSON logs are one object per line with bigint as string; levels below the threshold are dropped', () => {
  const lines: string[] = [];
  const log = createLogger({
    format: 'json',
    level: 'info',
    write: (l) => lines.push(l),
    now: () => new Date(0),
  });
  log.debug('hidden');
  log.info('heartbeat.received', { seq: 5n, peers: ['a', 'b'] });
  assert.equal(lines.length, 1);
  assert.deepEqual(JSON.parse(lines[0]!), {
    time: '1970-01-01T00:00:00.000Z',
    level: 'info',
    event: 'heartbeat.received',
    seq: '5',
    peers: ['a', 'b'],
  });
  const human: string[] = [];
  createLogger({ format: 'human', level: 'debug', write: (l) => human.push(l), now: () => new Date(0) }).warn(
    'x.y',
    { a: 'b c', n: 1 },
  );
  assert.equal(human[0], '1970-01-01T00:00:00.000Z WARN  x.y a="b c" n=1');
});

test('the blocks direct channel follows the listen host, can be placed, or turned off', async () => {
  const auto = await loadNodeConfig(['--listen', '/ip4/127.0.0.1/tcp/4001'], {});
  assert.deepEqual(blocksDirectListen(auto), { host: '127.0.0.1', port: 0 });
  const placed = await loadNodeConfig([], { SPLITUP_BLOCKS_DIRECT: '[::1]:7000' });
  assert.deepEqual(blocksDirectListen(placed), { host: '::1', port: 7000 });
  const off = await loadNodeConfig(['--blocks-direct', 'off'], {});
  assert.equal(blocksDirectListen(off), undefined);
  await assert.rejects(
    loadNodeConfig(['--blocks-direct', 'nowhere'], {}),
    (e) => isCodedError(e, 'CONFIG_INVALID') && /blocks-direct address 'nowhere'/.test(e.message),
  );
});

test('the tensor direct channel follows the listen host, can be placed, or turned off', async () => {
  const auto = await loadNodeConfig(['--listen', '/ip4/127.0.0.1/tcp/4001'], {});
  assert.deepEqual(tensorDirectListen(auto), { host: '127.0.0.1', port: 0 });
  const placed = await loadNodeConfig([], { SPLITUP_TENSOR_DIRECT: '127.0.0.2:7001' });
  assert.deepEqual(tensorDirectListen(placed), { host: '127.0.0.2', port: 7001 });
  assert.equal(tensorDirectListen(await loadNodeConfig(['--tensor-direct', 'off'], {})), undefined);
  await assert.rejects(
    loadNodeConfig(['--tensor-direct', 'x:y'], {}),
    (e) => isCodedError(e, 'CONFIG_INVALID') && /tensor-direct address 'x:y'/.test(e.message),
  );
});
