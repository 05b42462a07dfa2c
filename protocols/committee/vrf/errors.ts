// Typed failures of the committee's verifiable random function.
import { CodedError, type CodeOf, defineErrorCodes } from '../../../storage/errors/index.js';

export const VrfErrorCode = defineErrorCodes('VRF', {
  /** A secret key, public key or proof of the wrong length, or a point that does not decode. */
  MALFORMED_INPUT: 'VRF_MALFORMED_INPUT',
  /** A public key of small order: any proof would verify against it for some output. */
  INVALID_PUBLIC_KEY: 'VRF_INVALID_PUBLIC_KEY',
  /** The proof does not prove this input under this key. */
  INVALID_PROOF: 'VRF_INVALID_PROOF',
});
export type VrfErrorCode = CodeOf<typeof VrfErrorCode>;

export class VrfError extends CodedError<VrfErrorCode> {
  constructor(code: VrfErrorCode, message: string) {
    super(code, message);
  }
}
