import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { test } from 'node:test';
import { formatFailure } from '../../../node/cli/main.js';
import { SplitUpError } from '../../../node/errors.js';
import { TensorStreamError } from '../../../protocols/tensor-stream/index.js';

test('a coded error of any layer is one line and exit 1', () => {
  assert.deepEqual(formatFailure(new SplitUpError('CLI_BAD_ARGS', 'missing --out')), {
    line: 'error [CLI_BAD_ARGS]: missing --out',
    exitCode: 1,
  });
  const proto = formatFailure(new TensorStreamError('TENSOR_STREAM_STALLED', 'nothing for 10 ms'));
  assert.deepEqual(proto, { line: 'error [TENSOR_STREAM_STALLED]: nothing for 10 ms', exitCode: 1 });
});

test('an operating-system refusal says what and where, without a stack, exit 1', async () => {
  const missing = await readFile('/definitely/not/here').catch((e: unknown) => e);
  const f = formatFailure(missing);
  assert.equal(f.exitCode, 1);
  assert.equal(f.line, 'error [CLI_SYSTEM]: no such file or folder (open /definitely/not/here) [ENOENT]');
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  const second = createServer();
  const taken = await new Promise<unknown>((r) => {
    second.once('error', r);
    second.listen(port, '127.0.0.1');
  });
  server.close();
  const g = formatFailure(taken);
  assert.equal(g.exitCode, 1);
  assert.equal(
    g.line,
    `error [CLI_SYSTEM]: the address is already in use (listen 127.0.0.1:${port}) [EADDRINUSE]`,
  );
});

test('anything else is a defect: internal error with its stack, exit 70', () => {
  const f = formatFailure(new TypeError('x is undefined'));
  assert.equal(f.exitCode, 70);
  assert.match(f.line, /^internal error: TypeError: x is undefined\n\s+at /);
  assert.equal(formatFailure('a string').exitCode, 70);
  // A look-alike with a code property but not ours is still a defect.
  assert.equal(formatFailure(Object.assign(new Error('dial self'), { code: 'ERR_DIAL_SELF' })).exitCode, 70);
});
