// Walks every error table of the repository (each domain's errors.ts) and checks the naming rules
// written at the head of storage/errors/codes.ts; and the base's guard.
import assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  CodedError,
  defineErrorCodes,
  errorTablePrefix,
  isCodedError,
} from '../../../../storage/errors/index.js';

const root = fileURLToPath(new URL('../../../..', import.meta.url));

function errorModules(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'build' || name === 'generated') continue;
    const full = join(dir, name);
    if (statSync(full).isDirectory()) out.push(...errorModules(full));
    else if (name === 'errors.ts' || name === 'codes.ts') out.push(full);
  }
  return out;
}

interface Table {
  module: string;
  prefix: string;
  codes: string[];
}

async function allTables(): Promise<Table[]> {
  const tables: Table[] = [];
  for (const layer of ['storage', 'protocols', 'node', 'programs']) {
    for (const file of errorModules(join(root, layer))) {
      const mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
      for (const value of Object.values(mod)) {
        const prefix = errorTablePrefix(value);
        if (prefix === undefined) continue;
        tables.push({ module: relative(root, file), prefix, codes: Object.values(value as object) });
      }
    }
  }
  return tables;
}

test('every registered code is <PREFIX>_<WHAT>, prefixes belong to one table, codes are unique', async () => {
  const tables = await allTables();
  assert.ok(tables.length >= 8, `found only ${tables.length} tables`);
  const owner = new Map<string, string>();
  const seen = new Map<string, string>();
  for (const t of tables) {
    assert.match(t.prefix, /^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/, `${t.module}: prefix ${t.prefix}`);
    const other = owner.get(t.prefix);
    assert.ok(
      other === undefined || other === t.module,
      `prefix ${t.prefix} is used by ${other} and ${t.module}`,
    );
    owner.set(t.prefix, t.module);
    for (const code of t.codes) {
      assert.ok(code.startsWith(`${t.prefix}_`), `${t.module}: ${code} lacks the prefix ${t.prefix}_`);
      assert.match(code, /^[A-Z][A-Z0-9]*(_[A-Z0-9]+)+$/, `${t.module}: ${code} is not SCREAMING_SNAKE_CASE`);
      const dup = seen.get(code);
      assert.ok(dup === undefined, `${code} is declared in ${dup} and ${t.module}`);
      seen.set(code, t.module);
    }
  }
});

test('a table is frozen and tagged with its prefix; other objects have none', () => {
  const table = defineErrorCodes('DEMO', { THING: 'DEMO_THING' });
  assert.equal(errorTablePrefix(table), 'DEMO');
  assert.ok(Object.isFrozen(table));
  assert.deepEqual(Object.keys(table), ['THING']);
  assert.equal(errorTablePrefix({ THING: 'DEMO_THING' }), undefined);
  assert.equal(errorTablePrefix(null), undefined);
});

test('isCodedError knows coded errors of any subclass, by code, and nothing else', () => {
  class DemoError extends CodedError<'DEMO_A' | 'DEMO_B'> {}
  const err = new DemoError('DEMO_A', 'a went wrong', { at: 1 }, { cause: 'why' });
  assert.equal(err.name, 'DemoError');
  assert.equal(err.message, 'a went wrong');
  assert.deepEqual(err.details, { at: 1 });
  assert.equal(err.cause, 'why');
  assert.ok(isCodedError(err));
  assert.ok(isCodedError(err, 'DEMO_A'));
  assert.ok(!isCodedError(err, 'DEMO_B'));
  const plain = Object.assign(new Error('x'), { code: 'DEMO_A' });
  assert.ok(!isCodedError(plain), 'a plain Error with a code property is not ours');
  assert.ok(!isCodedError({ code: 'DEMO_A', message: 'x' }));
  assert.ok(!isCodedError(undefined));
});
