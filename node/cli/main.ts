import { isCodedError } from '../../storage/errors/index.js';
import type { CliIo, CommandEntry } from './command.js';
import { commands } from './commands/index.js';
import { systemErrorLine } from './system-error.js';

const defaultIo: CliIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

function findCommand(argv: string[]): { command: CommandEntry; rest: string[] } | undefined {
  // Longest matching path wins, so `keys generate` beats a hypothetical `keys`.
  const sorted = [...commands].sort((a, b) => b.path.length - a.path.length);
  for (const command of sorted) {
    if (command.path.every((word, i) => argv[i] === word)) {
      return { command, rest: argv.slice(command.path.length) };
    }
  }
  return undefined;
}

function helpText(): string {
  const lines = ['Usage: splitup <command> [options]', '', 'Commands:'];
  const width = Math.max(...commands.map((c) => c.path.join(' ').length));
  for (const c of commands) lines.push(`  ${c.path.join(' ').padEnd(width)}  ${c.summary}`);
  lines.push('', 'Run `splitup <command> --help` for the options of one command.');
  return lines.join('\n');
}

function groupHelp(name: string, group: readonly CommandEntry[]): string {
  const width = Math.max(...group.map((c) => c.path.join(' ').length));
  const lines = [`Usage: splitup ${name} <${group.map((c) => c.path[1]).join('|')}> [options]`, ''];
  for (const c of group) lines.push(`  ${c.path.join(' ').padEnd(width)}  ${c.summary}`);
  return lines.join('\n');
}

export async function main(argv: string[], io: CliIo = defaultIo): Promise<number> {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    io.out(helpText());
    return 0;
  }
  const found = findCommand(argv);
  if (!found) {
    // A group's name alone (`splitup keys`, `splitup node --help`): list what is in the group.
    const group = commands.filter((c) => c.path.length > 1 && c.path[0] === argv[0]);
    if (group.length > 0) {
      const text = groupHelp(argv[0]!, group);
      const asked = argv.length === 2 && (argv[1] === '--help' || argv[1] === '-h');
      if (asked || argv.length === 1) {
        (asked ? io.out : io.err)(text);
        return asked ? 0 : 2;
      }
    }
    io.err(`splitup: unknown command '${argv.join(' ')}'\n\n${helpText()}`);
    return 2;
  }
  try {
    const command = await found.command.load();
    if (found.rest.includes('--help') || found.rest.includes('-h')) {
      io.out(command.usage);
      return 0;
    }
    return await command.run(found.rest, io);
  } catch (err) {
    const failure = formatFailure(err);
    io.err(failure.line);
    return failure.exitCode;
  }
}

/**
 * What the CLI prints for a failure: a coded error (ours, from any layer) or an operating-system
 * refusal is the user's to fix (exit 1, one line); anything else is a defect of ours (exit 70,
 * with the stack so it can be reported).
 */
export function formatFailure(err: unknown): { line: string; exitCode: number } {
  if (isCodedError(err)) return { line: `error [${err.code}]: ${err.message}`, exitCode: 1 };
  const system = systemErrorLine(err);
  if (system !== undefined) return { line: system, exitCode: 1 };
  return {
    line: `internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
    exitCode: 70,
  };
}
