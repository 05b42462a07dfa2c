import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dispatchFailure } from '../../../node/roles/client/inference-client.js';
import { ExecutionError } from '../../../protocols/execution/index.js';

test('a timeout while assigning names the task and the error, not DOMException code 23', () => {
  const timeout = new DOMException('The operation was aborted due to timeout', 'TimeoutError');
  assert.equal(timeout.code, 23);
  const err = dispatchFailure('task-01', 'assignment', timeout);
  assert.equal(err.code, 'INFERENCE_DISPATCH_FAILED');
  assert.equal(err.details?.remoteCode, 'TimeoutError');
  assert.equal(err.details?.task, 'task-01');
  assert.doesNotMatch(err.message, /\b23\b/);
  assert.match(err.message, /assignment for task 'task-01' failed: TimeoutError: .*is the worker running/);
});

test("a worker's refusal is reported with the worker's code", () => {
  const refused = new ExecutionError('EXECUTION_REMOTE_REJECTED', 'worker says no', {
    remoteCode: 'WORKER_WRONG_BUNDLE',
  });
  const err = dispatchFailure('tC', 'assignment', refused);
  assert.equal(err.details?.remoteCode, 'WORKER_WRONG_BUNDLE');
  const dial = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { name: 'DialError' });
  assert.equal(dispatchFailure('tA', 'sending model inputs', dial).details?.remoteCode, 'DialError');
});
