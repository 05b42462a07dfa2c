// Codes of `splitup demo`.
import { type CodeOf, defineErrorCodes } from '../../storage/errors/index.js';

export const DemoErrorCode = defineErrorCodes('DEMO', {
  /** A peer of the demo network did not come up in time. */
  NOT_READY: 'DEMO_NOT_READY',
});
export type DemoErrorCode = CodeOf<typeof DemoErrorCode>;
