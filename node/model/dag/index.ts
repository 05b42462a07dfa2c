// Model-DAG validation (docs/dag-rules.md): a model made of tasks must satisfy every input, leave
// no output orphaned, contain no redundant task, have no cycle and connect only compatible types.
// The rules live in rules.ts (mirrored by the on-chain registry), their order in the document.
//
//   validateDag(model): DagViolation[]   all violations, in the documented order
//   assertValidDag(model): void          throws SplitUpError(code of the first violation)
// `model` is any DagModel; a BundleManifest qualifies.
export { DAG_ERROR_CODES, DAG_ERROR_NUMBERS, type DagErrorCode, DagErrorCodes } from './codes.js';
export type { DagModel, DagTask, DagViolation } from './types.js';
export { assertValidDag, validateDag } from './validate.js';
