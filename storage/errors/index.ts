export { CODED_ERROR, CodedError, type ErrorDetails, isCodedError } from './coded-error.js';
export {
  type CodeOf,
  defineErrorCodes,
  ERROR_TABLE_PREFIX,
  type ErrorCodeTable,
  errorTablePrefix,
} from './codes.js';
