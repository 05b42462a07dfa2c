#!/usr/bin/env node
// Works around a registry that lacks some platform builds (e.g. @biomejs/cli-win32-x64@2.6.8):
// npm then leaves those optional dependencies out of package-lock.json, and `npm ci` refuses the
// lock ("Missing: … from lock file"). For every optional dependency of a locked package that has
// no lock entry, this adds an entry that names its platform, so npm ci skips it as not for this
// machine without fetching it. Run after `npm install` changes the lock: node scripts/lock-platform-stubs.mjs
import { readFileSync, writeFileSync } from 'node:fs';

const LOCK = new URL('../package-lock.json', import.meta.url);
const OS = ['android', 'darwin', 'linux', 'win32', 'freebsd', 'openbsd', 'sunos', 'aix'];
const CPU = ['arm64', 'x64', 'arm', 'ia32', 'ppc64', 's390x', 'riscv64', 'loong64'];

/** Platform of a package from its name, e.g. `cli-linux-x64-musl` → linux, x64, musl. */
function platformOf(name) {
  const parts = name.split('/').pop().split('-');
  const os = parts.find((p) => OS.includes(p));
  const cpu = parts.find((p) => CPU.includes(p));
  if (!os || !cpu) return undefined;
  const libc = parts.includes('musl')
    ? 'musl'
    : os === 'linux' && parts.includes('gnu')
      ? 'glibc'
      : undefined;
  return { os: [os], cpu: [cpu], ...(libc ? { libc: [libc] } : {}) };
}

const lock = JSON.parse(readFileSync(LOCK, 'utf8'));
const added = [];
for (const [path, entry] of Object.entries(lock.packages)) {
  for (const [dep, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const base = path === '' ? 'node_modules' : `${path}/node_modules`;
    if (lock.packages[`${base}/${dep}`] || lock.packages[`node_modules/${dep}`]) continue;
    const platform = platformOf(dep);
    if (!platform) continue; // not a platform build: leave npm's own verdict alone
    lock.packages[`node_modules/${dep}`] = { version, optional: true, ...platform };
    added.push(`${dep}@${version}`);
  }
}
if (added.length > 0) {
  lock.packages = Object.fromEntries(
    Object.entries(lock.packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a < b ? -1 : 1)),
  );
  writeFileSync(LOCK, `${JSON.stringify(lock, null, 2)}\n`);
}
console.log(added.length > 0 ? `added lock entries: ${added.join(', ')}` : 'lock complete');
