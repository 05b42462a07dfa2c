/** Typed failure of the SBPF linker; `code` is stable for callers and tests. */
export type LinkErrorCode =
  | 'LINK_BAD_OBJECT'
  | 'LINK_UNSUPPORTED_RELOCATION'
  | 'LINK_WRITABLE_DATA'
  | 'LINK_DUPLICATE_SYMBOL'
  | 'LINK_UNDEFINED_DATA_SYMBOL'
  | 'LINK_NO_ENTRYPOINT'
  | 'LINK_CALL_OUT_OF_RANGE'
  | 'LINK_BAD_INSTRUCTION'
  | 'LINK_COMPILE_FAILED';

export class LinkError extends Error {
  readonly code: LinkErrorCode;
  constructor(code: LinkErrorCode, message: string) {
    super(message);
    this.name = 'LinkError';
    this.code = code;
  }
}
