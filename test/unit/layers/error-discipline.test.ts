// One error vocabulary holds by test: outside the two coded-error bases nothing of ours extends
// Error, and no source throws a bare Error a user or a peer could meet (invariants use node:assert,
// which the CLI reports as a defect).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
const LAYERS = ['node', 'protocols', 'storage', 'programs', 'scripts'];
/** The one base per import island: programs/ imports nothing of ours, so it has its own. */
const BASES = new Set(['storage/errors/coded-error.ts', 'programs/coded-error.ts']);

const EXTENDS_ERROR = /\bclass\s+\w+(?:<[^>]*>)?\s+extends\s+(?:Error|TypeError|RangeError)\b/g;
// A caller's contract broken (RangeError, TypeError) is a defect and keeps its built-in class.
const BARE_ERROR = /\bnew\s+Error\s*\(/g;

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'build') continue;
    const full = join(dir, name);
    if (statSync(full).isDirectory()) out.push(...sourceFiles(full));
    else if (name.endsWith('.ts')) out.push(full);
  }
  return out;
}

/** `path:line: text` of every match of `pattern` in `text`. */
export function findings(path: string, text: string, pattern: RegExp): string[] {
  return [...text.matchAll(pattern)].map((m) => {
    const line = text.slice(0, m.index).split('\n').length;
    return `${path}:${line}: ${m[0]}`;
  });
}

const files = LAYERS.flatMap((layer) => sourceFiles(join(root, layer))).map((full) => ({
  path: relative(root, full),
  text: readFileSync(full, 'utf8'),
}));

test('the scan sees the sources and the patterns catch what they must', () => {
  assert.ok(files.length > 200, `only ${files.length} sources found`);
  assert.equal(findings('x.ts', 'class Oops extends Error {}', EXTENDS_ERROR).length, 1);
  assert.equal(findings('x.ts', 'export class E<C> extends TypeError {}', EXTENDS_ERROR).length, 1);
  assert.equal(findings('x.ts', 'interface SystemError extends Error {}', EXTENDS_ERROR).length, 0);
  assert.deepEqual(findings('x.ts', 'a\nthrow new Error("x")', BARE_ERROR), ['x.ts:2: new Error(']);
  assert.equal(findings('x.ts', 'stream.abort(new Error(m))', BARE_ERROR).length, 1);
});

test('only the coded-error bases extend Error', () => {
  const found = files
    .filter((f) => !BASES.has(f.path))
    .flatMap((f) => findings(f.path, f.text, EXTENDS_ERROR));
  assert.deepEqual(found, []);
});

test('no source creates a bare Error', () => {
  assert.deepEqual(
    files.flatMap((f) => findings(f.path, f.text, BARE_ERROR)),
    [],
  );
});
