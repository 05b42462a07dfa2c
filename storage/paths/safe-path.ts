// One check for every file name that comes from a manifest, a model or a peer: it must name a file
// inside a given folder. Refused: absolute paths, drive letters, `..` segments, NUL bytes, empty
// names, and symbolic links anywhere on the way (a link inside the folder may point outside it).
// Callers turn the reason into their own coded error, so each domain keeps its codes.
import { lstatSync } from 'node:fs';
import { isAbsolute, join, normalize, relative, resolve, sep } from 'node:path';

export type SafePathResult = { ok: true; path: string } | { ok: false; reason: string };

/** Checks `file` as a relative name inside some folder, without touching the disk. */
export function checkRelativePath(file: string): SafePathResult {
  if (file === '' || file.includes('\0')) return { ok: false, reason: 'is empty or holds a NUL byte' };
  if (isAbsolute(file) || /^[a-zA-Z]:/.test(file) || file.startsWith('\\'))
    return { ok: false, reason: 'is an absolute path' };
  if (file.split(/[\\/]/).includes('..')) return { ok: false, reason: "has a '..' segment" };
  const path = normalize(file);
  if (path === '.' || path === '..' || path.startsWith(`..${sep}`) || isAbsolute(path))
    return { ok: false, reason: 'lies outside the folder' };
  return { ok: true, path };
}

/**
 * Resolves `file` inside `dir`: the relative-name check, then every existing component below
 * `dir` must be a real directory or file, not a symbolic link.
 */
export function resolveInside(dir: string, file: string): SafePathResult {
  const checked = checkRelativePath(file);
  if (!checked.ok) return checked;
  const base = resolve(dir);
  const full = resolve(base, checked.path);
  const rel = relative(base, full);
  if (rel === '' || rel.startsWith(`..${sep}`) || isAbsolute(rel))
    return { ok: false, reason: 'lies outside the folder' };
  let at = base;
  for (const part of rel.split(sep)) {
    at = join(at, part);
    let isLink: boolean;
    try {
      isLink = lstatSync(at).isSymbolicLink();
    } catch {
      break; // not there (yet): nothing below it can be a link
    }
    if (isLink) return { ok: false, reason: `goes through the symbolic link ${relative(base, at)}` };
  }
  return { ok: true, path: full };
}
