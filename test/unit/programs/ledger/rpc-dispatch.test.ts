import assert from 'node:assert/strict';
import { test } from 'node:test';
import { handleMessage } from '../../../../programs/ledger/rpc-dispatch.js';
import { invalidParams } from '../../../../programs/ledger/rpc-error.js';
import type { RpcMethods } from '../../../../programs/ledger/rpc-methods.js';

const methods: RpcMethods = {
  echo: (params) => params,
  big: () => ({ n: 5n }),
  picky: () => {
    throw invalidParams('Invalid params: nope');
  },
  broken: () => {
    throw new Error('boom');
  },
};

function call(body: unknown): unknown {
  const text = handleMessage(typeof body === 'string' ? body : JSON.stringify(body), methods);
  return text === undefined ? undefined : JSON.parse(text);
}

test('a request gets its result under the same id', () => {
  assert.deepEqual(call({ jsonrpc: '2.0', id: 7, method: 'echo', params: [1, 'a'] }), {
    jsonrpc: '2.0',
    id: 7,
    result: [1, 'a'],
  });
});

test('bigint results are written as JSON numbers', () => {
  assert.deepEqual(call({ jsonrpc: '2.0', id: 'x', method: 'big' }), {
    jsonrpc: '2.0',
    id: 'x',
    result: { n: 5 },
  });
});

test('invalid JSON is a -32700 parse error with a null id', () => {
  const reply = call('{"jsonrpc": "2.0", "id": 1, "method"') as { id: unknown; error: { code: number } };
  assert.equal(reply.id, null);
  assert.equal(reply.error.code, -32700);
});

test('requests that are not JSON-RPC 2.0 objects are -32600 invalid request', () => {
  for (const body of [
    42,
    '"str"',
    { id: 1, method: 'echo' },
    { jsonrpc: '1.0', id: 1, method: 'echo' },
    { jsonrpc: '2.0', id: 1 },
    { jsonrpc: '2.0', id: {}, method: 'echo' },
  ]) {
    const reply = call(body) as { error: { code: number } };
    assert.equal(reply.error.code, -32600, JSON.stringify(body));
  }
  assert.equal((call([]) as { error: { code: number } }).error.code, -32600);
});

test('an unknown method is -32601, including inherited object keys', () => {
  for (const method of ['nope', 'toString', '__proto__', 'constructor']) {
    const reply = call({ jsonrpc: '2.0', id: 1, method }) as { error: { code: number; message: string } };
    assert.equal(reply.error.code, -32601, method);
    assert.equal(reply.error.message, 'Method not found');
  }
});

test('params that are not an array, and handler-rejected params, are -32602', () => {
  assert.equal(
    (call({ jsonrpc: '2.0', id: 1, method: 'echo', params: { a: 1 } }) as { error: { code: number } }).error
      .code,
    -32602,
  );
  const reply = call({ jsonrpc: '2.0', id: 2, method: 'picky', params: [] }) as {
    error: { code: number; message: string };
  };
  assert.deepEqual(reply.error, { code: -32602, message: 'Invalid params: nope' });
});

test('an unexpected handler exception is -32603 and is reported, never thrown', () => {
  const seen: unknown[] = [];
  const text = handleMessage(JSON.stringify({ jsonrpc: '2.0', id: 3, method: 'broken' }), methods, (e) =>
    seen.push(e),
  );
  const reply = JSON.parse(text ?? '{}') as { error: { code: number; message: string } };
  assert.equal(reply.error.code, -32603);
  assert.match(reply.error.message, /boom/);
  assert.equal(seen.length, 1);
});

test('notifications (no id) get no reply; a batch answers each request in order', () => {
  assert.equal(call({ jsonrpc: '2.0', method: 'echo', params: [] }), undefined);
  assert.equal(call({ jsonrpc: '2.0', method: 'ping' }), undefined);
  const replies = call([
    { jsonrpc: '2.0', id: 1, method: 'echo', params: ['a'] },
    { jsonrpc: '2.0', method: 'echo', params: ['skipped'] },
    { jsonrpc: '2.0', id: 2, method: 'nope' },
    5,
  ]) as { id: unknown; result?: unknown; error?: { code: number } }[];
  assert.equal(replies.length, 3);
  assert.deepEqual(replies[0], { jsonrpc: '2.0', id: 1, result: ['a'] });
  assert.equal(replies[1]?.error?.code, -32601);
  assert.equal(replies[2]?.error?.code, -32600);
});
