// The layers hold by test, not by comment: storage/ imports nothing of ours, protocols/ only
// storage/ (and programs/ client types), programs/ nothing of ours.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = resolve(fileURLToPath(new URL('../../..', import.meta.url)));

/** Top folders each layer may import from (besides itself). */
const ALLOWED: Record<string, readonly string[]> = {
  storage: [],
  protocols: ['storage', 'programs'],
  programs: [],
};

const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)['"](\.{1,2}\/[^'"]+)['"]/g;

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'build' || name === 'dist') continue;
    const full = join(dir, name);
    if (statSync(full).isDirectory()) out.push(...sourceFiles(full));
    else if (/\.(ts|mts|mjs|js)$/.test(name)) out.push(full);
  }
  return out;
}

/** Every relative import of `text` (a file at `file`) that leaves its layer for a forbidden one. */
export function violations(file: string, text: string): string[] {
  const layer = relative(root, file).split('/')[0]!;
  const allowed = new Set([layer, ...(ALLOWED[layer] ?? [])]);
  const found: string[] = [];
  for (const m of text.matchAll(SPECIFIER)) {
    const target = relative(root, resolve(dirname(file), m[1]!));
    const top = target.split('/')[0]!;
    if (target.startsWith('..') || !allowed.has(top))
      found.push(`${relative(root, file)} imports ${m[1]} (${top})`);
  }
  return found;
}

test('the checker itself flags an upward import and a dynamic one, and passes a downward one', () => {
  const file = join(root, 'protocols', 'x', 'y.ts');
  assert.deepEqual(violations(file, "import { a } from '../../node/errors.js';"), [
    'protocols/x/y.ts imports ../../node/errors.js (node)',
  ]);
  assert.equal(violations(file, "const m = await import('../../node/cli/main.js');").length, 1);
  assert.equal(violations(file, "export { b } from '../../bench/lib/stats.js';").length, 1);
  assert.deepEqual(violations(file, "import type { Tensor } from '../../storage/tensors/tensor.js';"), []);
  const storageFile = join(root, 'storage', 'a.ts');
  assert.equal(violations(storageFile, "import { x } from '../protocols/common/errors.js';").length, 1);
  const programsFile = join(root, 'programs', 'a.ts');
  assert.equal(violations(programsFile, "import { x } from '../storage/errors/index.js';").length, 1);
});

for (const layer of Object.keys(ALLOWED)) {
  test(`${layer}/ imports only from ${ALLOWED[layer]!.join(', ') || 'itself'}`, () => {
    const files = sourceFiles(join(root, layer));
    assert.ok(files.length > 0, `no sources under ${layer}/`);
    const found = files.flatMap((f) => violations(f, readFileSync(f, 'utf8')));
    assert.deepEqual(found, []);
  });
}
