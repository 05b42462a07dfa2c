// `splitup ledger` and its two ports, as a user meets them: a taken RPC or websocket port fails
// with LEDGER_PORT_IN_USE (one line, exit 1) before any key file is written; --port 0 binds a
// free pair so plain web3.js, which derives the websocket as RPC port + 1, gets notifications.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Connection } from '@solana/web3.js';
import { startLedgerProcess } from './ledger-process.js';

const HOST = '127.0.0.1';
/** Generous: tsx compiles the CLI on first start on a busy 2-core machine. */
const EXIT_TIMEOUT_MS = 120_000;

function hold(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, HOST, () => resolve(server));
  });
}

function release(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

function portOf(server: Server): number {
  return (server.address() as { port: number }).port;
}

/** A port held by this test whose neighbour below is free (checked, then released). */
async function heldWithFreeNeighbourBelow(): Promise<{ held: Server; below: number }> {
  for (;;) {
    const held = await hold(0);
    const below = portOf(held) - 1;
    try {
      await release(await hold(below));
      return { held, below };
    } catch {
      await release(held);
    }
  }
}

async function runLedger(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['node/bin/splitup.mjs', 'ledger', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), EXIT_TIMEOUT_MS);
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  clearTimeout(timer);
  return { code, stdout, stderr };
}

function keyFiles(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir) : [];
}

test('a taken RPC port fails with LEDGER_PORT_IN_USE, exit 1, no stack, no key file written', async () => {
  const held = await hold(0);
  const port = portOf(held);
  const keysDir = join(mkdtempSync(join(tmpdir(), 'splitup-ledger-port-')), 'keys');
  try {
    const { code, stdout, stderr } = await runLedger([
      '--port',
      String(port),
      '--keys-dir',
      keysDir,
      '--no-program',
    ]);
    assert.equal(code, 1, stderr);
    assert.equal(stdout, '');
    assert.equal(
      stderr.trim(),
      `error [LEDGER_PORT_IN_USE]: port ${port} is taken on ${HOST}; pass --port <n> (the websocket uses port + 1) or --port 0 for a free pair`,
    );
    assert.deepEqual(keyFiles(keysDir), []);
  } finally {
    await release(held);
  }
});

test('a taken websocket port (RPC port + 1) fails the same way, before any key file', async () => {
  const { held, below } = await heldWithFreeNeighbourBelow();
  const keysDir = join(mkdtempSync(join(tmpdir(), 'splitup-ledger-port-')), 'keys');
  try {
    const { code, stderr } = await runLedger([
      '--port',
      String(below),
      '--keys-dir',
      keysDir,
      '--no-program',
    ]);
    assert.equal(code, 1, stderr);
    assert.match(
      stderr.trim(),
      new RegExp(
        `^error \\[LEDGER_PORT_IN_USE\\]: port ${below + 1} \\(the websocket port\\), the RPC port \\+ 1, is taken on 127\\.0\\.0\\.1; pass --port <n> \\(the websocket uses port \\+ 1\\) or --port 0 for a free pair$`,
      ),
    );
    assert.deepEqual(keyFiles(keysDir), []);
  } finally {
    await release(held);
  }
});

test('--port 0 binds a free pair: the websocket is RPC port + 1 and plain web3.js gets slots', async () => {
  const ledger = await startLedgerProcess(['--no-program']);
  try {
    const rpcPort = Number(new URL(ledger.ready.rpcUrl).port);
    const wsPort = Number(new URL(ledger.ready.wsUrl).port);
    assert.equal(wsPort, rpcPort + 1);
    // No wsUrl given: web3.js derives ws://host:(port + 1) itself, as against a real validator.
    const connection = new Connection(ledger.ready.rpcUrl, 'confirmed');
    const slot = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no slot notification in 20 s')), 20_000);
      const id = connection.onSlotChange((info) => {
        clearTimeout(timer);
        void connection.removeSlotChangeListener(id);
        resolve(info.slot);
      });
    });
    assert.ok(slot > 0);
  } finally {
    const { code } = await ledger.stop();
    assert.equal(code, 0);
  }
});
