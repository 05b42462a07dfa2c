// Codes of partitioning a model into tasks under a VRAM budget.
import { type CodeOf, defineErrorCodes } from '../../../storage/errors/index.js';

export const PartitionErrorCode = defineErrorCodes('PARTITION', {
  BAD_GRAPH: 'PARTITION_BAD_GRAPH',
  /** A partition that breaks a rule (a node in two tasks or in none, a cycle between tasks). */
  BAD_PLAN: 'PARTITION_BAD_PLAN',
  BAD_TARGET: 'PARTITION_BAD_TARGET',
  INFEASIBLE: 'PARTITION_INFEASIBLE',
  TOO_WIDE: 'PARTITION_TOO_WIDE',
  /** One node alone needs more than the target. */
  NODE_TOO_LARGE: 'PARTITION_NODE_TOO_LARGE',
  /** Nodes bound together by state (a KV cache) need more than the target. */
  STATE_GROUP_TOO_LARGE: 'PARTITION_STATE_GROUP_TOO_LARGE',
  /** A written task's estimate exceeds the target. */
  TASK_OVER_BUDGET: 'PARTITION_TASK_OVER_BUDGET',
});
export type PartitionErrorCode = CodeOf<typeof PartitionErrorCode>;
