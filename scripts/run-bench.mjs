#!/usr/bin/env node
// Runs benchmarks under tsx, one process each, in name order: every bench/*.ts, or the named ones.
// Files starting with `_` are scratch and skipped. Extra arguments after `--` go to each bench.
// Usage: npm run bench [-- <name>... [-- <bench args>]]   e.g. npm run bench -- model-layer
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const benchDir = join(root, 'bench');

const args = process.argv.slice(2);
const split = args.indexOf('--');
const names = split < 0 ? args : args.slice(0, split);
const benchArgs = split < 0 ? [] : args.slice(split + 1);

const all = readdirSync(benchDir)
  .filter((f) => f.endsWith('.ts') && !f.startsWith('_'))
  .sort();
const files =
  names.length === 0 ? all : names.map((n) => `${n.replace(/^bench\//, '').replace(/\.ts$/, '')}.ts`);
for (const f of files) {
  if (!existsSync(join(benchDir, f))) {
    console.error(`no bench named ${f}; have: ${all.join(', ')}`);
    process.exit(2);
  }
}

// The binary's malloc settings (node/bin/splitup), so a bench measures what a peer runs with.
const launcher = readFileSync(join(root, 'node', 'bin', 'splitup'), 'utf8');
const tunables = /GLIBC_TUNABLES:=([^}]+)\}/.exec(launcher)?.[1];
const env = { ...process.env, GLIBC_TUNABLES: process.env.GLIBC_TUNABLES ?? tunables };

let failed = 0;
for (const f of files) {
  console.log(`\n=== bench/${f} ===`);
  const result = spawnSync(
    process.execPath,
    ['--import', 'tsx', '--import', './node/runtime/polyfills.ts', join('bench', f), ...benchArgs],
    { cwd: root, stdio: 'inherit', env },
  );
  if (result.status !== 0) {
    console.error(`bench/${f} exited with ${result.status ?? result.signal}`);
    failed++;
  }
}
process.exit(failed === 0 ? 0 : 1);
