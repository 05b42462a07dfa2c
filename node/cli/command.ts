// The shape every CLI command implements. One file per command under ./commands.
export interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
}

export interface Command {
  /** Words that select the command, e.g. ['deploy'] or ['keys', 'generate']. */
  readonly path: readonly string[];
  readonly summary: string;
  readonly usage: string;
  /** Returns the process exit code. */
  run(args: string[], io: CliIo): Promise<number>;
}
