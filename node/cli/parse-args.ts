// node:util parseArgs for CLI commands: a parse failure becomes CLI_BAD_ARGS with the command's usage.
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { SplitUpError } from '../errors.js';
import { CliErrorCode } from './errors.js';

export function parseCliArgs<T extends ParseArgsConfig>(
  config: T,
  usage: string,
): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config);
  } catch (err) {
    throw new SplitUpError(CliErrorCode.BAD_ARGS, `${(err as Error).message}\n\n${usage}`);
  }
}
