export * from './accounts.js';
export * from './commitment.js';
export * from './convert.js';
export * from './errors.js';
export * from './execution.js';
// Task run statuses and reveal bits, for reading TaskRunAccount.status / .revealed.
export {
  REVEALED_NODE,
  REVEALED_VERIFIER,
  SPLITUP_IDL,
  type Splitup,
  TASK_ASSIGNED,
  TASK_DISPUTED,
  TASK_MATCHED,
  TASK_PENDING,
  TASK_REPORTED,
  TASK_RESOLVED,
  TASK_REVEALING,
  TASK_SETTLED,
  TASK_UNSAMPLED,
  TASK_VERIFYING,
} from './generated/splitup.js';
export * from './instructions.js';
export * from './model.js';
export * from './params.js';
export * from './pdas.js';
export * from './program.js';
export * from './rounds.js';
