// Codes of the model layer: reading ONNX models, their external data and shapes.
import { type CodeOf, defineErrorCodes } from '../../storage/errors/index.js';

export const ModelErrorCode = defineErrorCodes('MODEL', {
  /** Bytes that are not a well-formed ONNX model. */
  CORRUPT: 'MODEL_CORRUPT',
  /** Well-formed, but onnxruntime or our checks refuse it. */
  INVALID: 'MODEL_INVALID',
  NOT_FOUND: 'MODEL_NOT_FOUND',
  TRUNCATED: 'MODEL_TRUNCATED',
  /** An operator outside ai.onnx, ai.onnx.ml and onnxruntime's own fusions. */
  FOREIGN_OPERATOR: 'MODEL_FOREIGN_OPERATOR',
});
export type ModelErrorCode = CodeOf<typeof ModelErrorCode>;

export const ExternalDataErrorCode = defineErrorCodes('EXTERNAL_DATA', {
  /** A location outside the model's folder (absolute, `..`, a symbolic link). */
  ESCAPE: 'EXTERNAL_DATA_ESCAPE',
  MISSING: 'EXTERNAL_DATA_MISSING',
  TRUNCATED: 'EXTERNAL_DATA_TRUNCATED',
});
export type ExternalDataErrorCode = CodeOf<typeof ExternalDataErrorCode>;

export const ShapeErrorCode = defineErrorCodes('SHAPE', {
  DECLARATION_INVALID: 'SHAPE_DECLARATION_INVALID',
  /** A dimension the deployer must fix with --shape. */
  UNKNOWN: 'SHAPE_UNKNOWN',
});
export type ShapeErrorCode = CodeOf<typeof ShapeErrorCode>;

export const OutDirErrorCode = defineErrorCodes('OUT_DIR', {
  NOT_EMPTY: 'OUT_DIR_NOT_EMPTY',
  CONTAINS_MODEL: 'OUT_DIR_CONTAINS_MODEL',
  /** The path is a file or a link, or a folder on the way to it cannot be made. */
  NOT_A_FOLDER: 'OUT_DIR_NOT_A_FOLDER',
});
export type OutDirErrorCode = CodeOf<typeof OutDirErrorCode>;
