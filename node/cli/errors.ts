// Codes of the command line itself (arguments, output folders).
import { type CodeOf, defineErrorCodes } from '../../storage/errors/index.js';

export const CliErrorCode = defineErrorCodes('CLI', {
  /** An option or argument is missing, unknown or has a value the command cannot use. */
  BAD_ARGS: 'CLI_BAD_ARGS',
  /** An --out folder that cannot be used (a file, or not writable). */
  OUT_DIR: 'CLI_OUT_DIR',
  /** The operating system refused an operation the user asked for (a taken port, a missing folder). */
  SYSTEM: 'CLI_SYSTEM',
});
export type CliErrorCode = CodeOf<typeof CliErrorCode>;
