// Codes of the small shared parsers (sizes).
import { type CodeOf, defineErrorCodes } from '../../storage/errors/index.js';

export const SizeErrorCode = defineErrorCodes('SIZE', {
  INVALID: 'SIZE_INVALID',
});
export type SizeErrorCode = CodeOf<typeof SizeErrorCode>;
