// Runs the rules of rules.ts in their documented order.
import { SplitUpError } from '../../errors.js';
import {
  buildIndex,
  checkConnections,
  checkInputsSatisfied,
  checkNoCycles,
  checkNoOrphanOutputs,
  checkNoRedundantTasks,
  checkStateBindings,
  checkTaskIds,
  checkTensorNames,
  checkTypes,
} from './rules.js';
import type { DagModel, DagViolation } from './types.js';

/** Every violation, structure first; empty when the model is a valid DAG of tasks. */
export function validateDag(model: DagModel): DagViolation[] {
  const out: DagViolation[] = [];
  checkTaskIds(model, out);
  checkTensorNames(model, out);
  checkStateBindings(model, out);
  const ix = buildIndex(model);
  checkConnections(model, ix, out);
  if (out.length > 0) return out;
  checkInputsSatisfied(model, ix, out);
  checkNoOrphanOutputs(model, ix, out);
  checkNoRedundantTasks(model, out);
  checkNoCycles(model, out);
  checkTypes(model, ix, out);
  return out;
}

/**
 * Throws a SplitUpError whose code is the first violation's code (details: task, tensor,
 * connection?, cycle?, and `violations`, the full list); returns silently for a valid model.
 */
export function assertValidDag(model: DagModel): void {
  const violations = validateDag(model);
  const first = violations[0];
  if (!first) return;
  const more = violations.length > 1 ? ` (and ${violations.length - 1} more problem(s))` : '';
  const { code, message, ...where } = first;
  throw new SplitUpError(code, `invalid model DAG: ${message}${more}`, { ...where, violations });
}
