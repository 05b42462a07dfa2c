// Codes of .npy tensor files.
import { type CodeOf, defineErrorCodes } from '../../storage/errors/index.js';

export const NpyErrorCode = defineErrorCodes('NPY', {
  BAD_HEADER: 'NPY_BAD_HEADER',
  /** Tensors are little-endian bytes everywhere; a big-endian host would misread them. */
  BIG_ENDIAN_HOST: 'NPY_BIG_ENDIAN_HOST',
  BAD_MAGIC: 'NPY_BAD_MAGIC',
  BAD_VERSION: 'NPY_BAD_VERSION',
  FORTRAN_ORDER: 'NPY_FORTRAN_ORDER',
  READ_FAILED: 'NPY_READ_FAILED',
  SIZE_MISMATCH: 'NPY_SIZE_MISMATCH',
  TRUNCATED: 'NPY_TRUNCATED',
  UNSUPPORTED_DTYPE: 'NPY_UNSUPPORTED_DTYPE',
  WRITE_FAILED: 'NPY_WRITE_FAILED',
});
export type NpyErrorCode = CodeOf<typeof NpyErrorCode>;
