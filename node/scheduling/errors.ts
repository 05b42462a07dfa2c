// Codes of execution plans (which peer runs which task; a file today, the chain later).
import { type CodeOf, defineErrorCodes } from '../../storage/errors/index.js';

export const PlanErrorCode = defineErrorCodes('PLAN', {
  INVALID: 'PLAN_INVALID',
});
export type PlanErrorCode = CodeOf<typeof PlanErrorCode>;
