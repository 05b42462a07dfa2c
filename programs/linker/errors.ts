import { type CodeOf, defineErrorCodes, ProgramsCodedError } from '../coded-error.js';

/** Failures of the SBPF linker (and the compile step in front of it). */
export const LinkErrorCode = defineErrorCodes('LINK', {
  BAD_OBJECT: 'LINK_BAD_OBJECT',
  UNSUPPORTED_RELOCATION: 'LINK_UNSUPPORTED_RELOCATION',
  WRITABLE_DATA: 'LINK_WRITABLE_DATA',
  DUPLICATE_SYMBOL: 'LINK_DUPLICATE_SYMBOL',
  UNDEFINED_DATA_SYMBOL: 'LINK_UNDEFINED_DATA_SYMBOL',
  NO_ENTRYPOINT: 'LINK_NO_ENTRYPOINT',
  CALL_OUT_OF_RANGE: 'LINK_CALL_OUT_OF_RANGE',
  BAD_INSTRUCTION: 'LINK_BAD_INSTRUCTION',
  COMPILE_FAILED: 'LINK_COMPILE_FAILED',
});
export type LinkErrorCode = CodeOf<typeof LinkErrorCode>;

/** Typed failure of the SBPF linker; `code` is stable for callers and tests. */
export class LinkError extends ProgramsCodedError<LinkErrorCode> {}
