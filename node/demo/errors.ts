// Codes of `splitup demo`.
import { type CodeOf, defineErrorCodes } from '../../storage/errors/index.js';

export const DemoErrorCode = defineErrorCodes('DEMO', {
  /** A peer of the demo network did not come up in time. */
  NOT_READY: 'DEMO_NOT_READY',
  /** --data-dir names a non-empty folder the demo did not make: it would be wiped. */
  DATA_DIR_NOT_EMPTY: 'DEMO_DATA_DIR_NOT_EMPTY',
  /** --data-dir names a file or a link. */
  DATA_DIR_NOT_A_FOLDER: 'DEMO_DATA_DIR_NOT_A_FOLDER',
});
export type DemoErrorCode = CodeOf<typeof DemoErrorCode>;
