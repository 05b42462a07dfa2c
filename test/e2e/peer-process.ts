// A `splitup` child process whose JSON log lines can be awaited: e2e tests start real peers
// through the real CLI and wait for the events they log.
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** Outcome deadline on two shared cores (process start includes the TypeScript loader). */
export const DEADLINE_MS = 90_000;

export interface LogLine {
  level: string;
  event: string;
  [field: string]: unknown;
}

export class PeerProcess {
  readonly lines: LogLine[] = [];
  readonly stderr: string[] = [];
  readonly child: ChildProcess;
  readonly exited: Promise<number | null>;
  private waiters: Array<() => void> = [];

  constructor(
    readonly name: string,
    args: string[],
    command: readonly string[] = ['node', 'start'],
  ) {
    this.child = spawn(process.execPath, ['node/bin/splitup.mjs', ...command, ...args], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, SPLITUP_LOG_FORMAT: 'json', SPLITUP_LOG_LEVEL: 'debug' },
    });
    createInterface({ input: this.child.stdout! }).on('line', (line) => {
      try {
        this.lines.push(JSON.parse(line) as LogLine);
      } catch {
        this.stderr.push(`(stdout) ${line}`);
      }
      for (const w of this.waiters.splice(0)) w();
    });
    createInterface({ input: this.child.stderr! }).on('line', (line) => this.stderr.push(line));
    this.exited = new Promise((resolve) => this.child.once('exit', (code) => resolve(code)));
  }

  async waitFor(what: string, match: (l: LogLine) => boolean): Promise<LogLine> {
    const deadline = Date.now() + DEADLINE_MS;
    for (;;) {
      const found = this.lines.find(match);
      if (found) return found;
      if (Date.now() > deadline || this.child.exitCode !== null) {
        throw new Error(
          `${this.name}: no ${what} (exit ${this.child.exitCode}); stderr:\n${this.stderr.join('\n')}`,
        );
      }
      await new Promise<void>((r) => {
        this.waiters.push(r);
        setTimeout(r, 500);
      });
    }
  }

  async started(): Promise<{ peerId: string; addr: string }> {
    const line = await this.waitFor('node.started', (l) => l.event === 'node.started');
    return { peerId: line.peerId as string, addr: (line.listen as string[])[0]! };
  }
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs one `splitup` command to its end, as a user would, collecting both outputs. */
export function runCli(args: readonly string[]): Promise<CliResult> {
  const child = spawn(process.execPath, ['node/bin/splitup.mjs', ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => {
    stdout += d;
  });
  child.stderr!.on('data', (d) => {
    stderr += d;
  });
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stdout, stderr })));
}

/** `splitup infer` of one input `x` under a plan, with a JSON report. */
export function runInfer(opts: {
  bundle: string;
  plan: string;
  input: string;
  out: string;
  timeoutS: number;
  extra?: readonly string[];
}): Promise<CliResult> {
  return runCli([
    'infer',
    '--bundle',
    opts.bundle,
    ...(opts.extra ?? []),
    '--plan',
    opts.plan,
    '--input',
    `x=${opts.input}`,
    '--out',
    opts.out,
    '--json',
    '--timeout',
    String(opts.timeoutS),
  ]);
}
