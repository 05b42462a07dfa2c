import { isSplitUpError } from '../errors.js';
import type { CliIo, CommandEntry } from './command.js';
import { commands } from './commands/index.js';

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

export function helpText(): string {
  const lines = ['Usage: splitup <command> [options]', '', 'Commands:'];
  const width = Math.max(...commands.map((c) => c.path.join(' ').length));
  for (const c of commands) lines.push(`  ${c.path.join(' ').padEnd(width)}  ${c.summary}`);
  lines.push('', 'Run `splitup <command> --help` for the options of one command.');
  return lines.join('\n');
}

export async function main(argv: string[], io: CliIo = defaultIo): Promise<number> {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    io.out(helpText());
    return 0;
  }
  const found = findCommand(argv);
  if (!found) {
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
    if (isSplitUpError(err)) {
      io.err(`error [${err.code}]: ${err.message}`);
      return 1;
    }
    io.err(`internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    return 70;
  }
}
