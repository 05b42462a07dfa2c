// Stable error codes of model-DAG validation. The on-chain registry (C) mirrors these names and
// their numeric order (DAG_ERROR_NUMBERS) so a rejection means the same thing in both places.
export const DAG_ERROR_CODES = [
  // Structure (checked first; if any fails, the five rules are not evaluated)
  'DAG_BAD_TASK_ID',
  'DAG_DUPLICATE_TASK',
  'DAG_BAD_TENSOR_NAME',
  'DAG_DUPLICATE_TENSOR',
  'DAG_BAD_STATE_BINDING',
  'DAG_UNKNOWN_TASK',
  'DAG_UNKNOWN_TENSOR',
  'DAG_DUPLICATE_CONNECTION',
  // The five rules of seed 004 §3.2, in order
  'DAG_INPUT_UNSATISFIED',
  'DAG_ORPHAN_OUTPUT',
  'DAG_REDUNDANT_TASK',
  'DAG_CYCLE',
  'DAG_TYPE_MISMATCH',
] as const;

export type DagErrorCode = (typeof DAG_ERROR_CODES)[number];

/** 1-based numbers for the C port (0 means valid). */
export const DAG_ERROR_NUMBERS: Readonly<Record<DagErrorCode, number>> = Object.fromEntries(
  DAG_ERROR_CODES.map((c, k) => [c, k + 1]),
) as Record<DagErrorCode, number>;
