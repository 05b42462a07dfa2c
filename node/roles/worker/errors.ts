// Codes of the worker role: its start-up and its refusals of assignments (sent back to the peer).
import { type CodeOf, defineErrorCodes } from '../../../storage/errors/index.js';

export const WorkerErrorCode = defineErrorCodes('WORKER', {
  /** load() on an executor that already serves a bundle (a defect of the caller). */
  ALREADY_LOADED: 'WORKER_ALREADY_LOADED',
  BAD_ROUTE: 'WORKER_BAD_ROUTE',
  /** An assignment that leaves an input without its one sender, or names an input the task lacks. */
  BAD_SOURCES: 'WORKER_BAD_SOURCES',
  BUNDLE_NOT_FOUND: 'WORKER_BUNDLE_NOT_FOUND',
  /** No provider of the bundle answered within the fetch deadline. */
  BUNDLE_UNAVAILABLE: 'WORKER_BUNDLE_UNAVAILABLE',
  /** The assignment names a client other than the peer that sent it. */
  CLIENT_MISMATCH: 'WORKER_CLIENT_MISMATCH',
  NOT_READY: 'WORKER_NOT_READY',
  NO_TASKS: 'WORKER_NO_TASKS',
  TASK_FAILED: 'WORKER_TASK_FAILED',
  TASK_NOT_LOADED: 'WORKER_TASK_NOT_LOADED',
  /** The client already has MAX_ACTIVE_ASSIGNMENTS_PER_CLIENT assignments running here. */
  TOO_MANY_ASSIGNMENTS: 'WORKER_TOO_MANY_ASSIGNMENTS',
  /** The sender is not on this worker's --accept-clients list. */
  UNAUTHORIZED_CLIENT: 'WORKER_UNAUTHORIZED_CLIENT',
  UNKNOWN_TASK: 'WORKER_UNKNOWN_TASK',
  WRONG_BUNDLE: 'WORKER_WRONG_BUNDLE',
});
export type WorkerErrorCode = CodeOf<typeof WorkerErrorCode>;
