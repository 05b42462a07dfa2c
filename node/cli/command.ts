// The shape every CLI command implements. One file per command under ./commands.
export interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
}

export interface Command {
  /** Words that select the command, e.g. ['deploy'] or ['keys', 'generate']. */
  readonly path: readonly string[];
  readonly usage: string;
  /** Returns the process exit code. */
  run(args: string[], io: CliIo): Promise<number>;
}

/** A registry entry: enough to list and select a command without loading its (heavy) module. */
export interface CommandEntry {
  readonly path: readonly string[];
  readonly summary: string;
  load(): Promise<Command>;
}
