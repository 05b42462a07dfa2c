// Stable error codes of model-DAG validation. The on-chain registry (C) mirrors these names and
// their numeric order (DAG_ERROR_NUMBERS) so a rejection means the same thing in both places:
// never reorder, only append.
import { type CodeOf, defineErrorCodes } from '../../../storage/errors/index.js';

export const DagErrorCodes = defineErrorCodes('DAG', {
  // Structure (checked first; if any fails, the five rules are not evaluated)
  BAD_TASK_ID: 'DAG_BAD_TASK_ID',
  DUPLICATE_TASK: 'DAG_DUPLICATE_TASK',
  BAD_TENSOR_NAME: 'DAG_BAD_TENSOR_NAME',
  DUPLICATE_TENSOR: 'DAG_DUPLICATE_TENSOR',
  BAD_STATE_BINDING: 'DAG_BAD_STATE_BINDING',
  UNKNOWN_TASK: 'DAG_UNKNOWN_TASK',
  UNKNOWN_TENSOR: 'DAG_UNKNOWN_TENSOR',
  DUPLICATE_CONNECTION: 'DAG_DUPLICATE_CONNECTION',
  // The five rules (docs/dag-rules.md), in order
  INPUT_UNSATISFIED: 'DAG_INPUT_UNSATISFIED',
  ORPHAN_OUTPUT: 'DAG_ORPHAN_OUTPUT',
  REDUNDANT_TASK: 'DAG_REDUNDANT_TASK',
  CYCLE: 'DAG_CYCLE',
  TYPE_MISMATCH: 'DAG_TYPE_MISMATCH',
});

export type DagErrorCode = CodeOf<typeof DagErrorCodes>;

/** The codes in their fixed order (the C port numbers them 1.. in this order). */
export const DAG_ERROR_CODES: readonly DagErrorCode[] = Object.values(DagErrorCodes);

/** 1-based numbers for the C port (0 means valid). */
export const DAG_ERROR_NUMBERS: Readonly<Record<DagErrorCode, number>> = Object.fromEntries(
  DAG_ERROR_CODES.map((c, k) => [c, k + 1]),
) as Record<DagErrorCode, number>;
