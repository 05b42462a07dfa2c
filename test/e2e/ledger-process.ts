// Starts `splitup ledger` as a real child process for e2e tests and reads its ready line.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export interface LedgerReady {
  event: 'ready';
  rpcUrl: string;
  wsUrl: string;
  programId: string | null;
  mint: string;
  mintDecimals: number;
  mintAuthority: { pubkey: string; path: string };
  keys: { pubkey: string; tokenAccount: string; path: string }[];
  funded: { pubkey: string; tokenAccount: string }[];
}

export interface LedgerProcess {
  ready: LedgerReady;
  keysDir: string;
  child: ChildProcess;
  /** SIGTERM, then the exit code and every stdout line printed after ready. */
  stop(): Promise<{ code: number | null; lines: string[] }>;
}

/** Generous: tsx compiles the CLI on first start on a busy 2-core machine. */
const START_TIMEOUT_MS = 120_000;

export function startLedgerProcess(extraArgs: string[] = []): Promise<LedgerProcess> {
  const keysDir = mkdtempSync(join(tmpdir(), 'splitup-ledger-'));
  const child = spawn(
    process.execPath,
    ['node/bin/splitup.mjs', 'ledger', '--port', '0', '--keys', '2', '--keys-dir', keysDir, ...extraArgs],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const lines: string[] = [];
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`ledger did not get ready in ${START_TIMEOUT_MS} ms; stderr: ${stderr}`));
    }, START_TIMEOUT_MS);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`ledger exited with ${code} before ready; stderr: ${stderr}`));
    });
    const rl = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    let ready: LedgerReady | undefined;
    rl.on('line', (line) => {
      if (ready) {
        lines.push(line);
        return;
      }
      const parsed = JSON.parse(line) as LedgerReady;
      if (parsed.event !== 'ready') return;
      ready = parsed;
      clearTimeout(timer);
      resolve({
        ready,
        keysDir,
        child,
        async stop() {
          child.kill('SIGTERM');
          const code = await exited;
          return { code, lines };
        },
      });
    });
  });
}
