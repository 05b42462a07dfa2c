// Compiles C sources with clang-16 for BPF and links them with our linker into an SBPF v0 .so.
// Usage: node --import tsx programs/linker/build-program.ts -o out.so src1.c [src2.c ...]
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { LinkError, LinkErrorCode } from './errors.js';
import { link } from './link.js';
import { readObject } from './read-object.js';

const CLANG = process.env.SPLITUP_CLANG ?? 'clang-16';

/**
 * v2 without alu32: SBPF v0 sign-extends 32-bit ALU results and rejects JMP32. No builtins:
 * there is no libc, and memcpy of unknown length must go through sol_memcpy_.
 */
const CLANG_FLAGS = [
  '--target=bpf',
  '-mcpu=v2',
  '-O2',
  '-std=c11',
  '-ffreestanding',
  '-fno-builtin',
  '-fno-stack-protector',
  '-fno-asynchronous-unwind-tables',
  '-Wall',
  '-Wextra',
  '-Werror',
  '-Wno-unused-parameter',
];

/** Compiles each source to an object in `objDir` and links them; returns the shared object bytes. */
export function buildProgram(sources: string[], objDir: string, extraFlags: string[] = []): Uint8Array {
  mkdirSync(objDir, { recursive: true });
  const objects = sources.map((src) => {
    const out = join(objDir, basename(src).replace(/\.c$/, '.o'));
    try {
      execFileSync(CLANG, [...CLANG_FLAGS, ...extraFlags, '-c', src, '-o', out], {
        stdio: ['ignore', 'inherit', 'inherit'],
      });
    } catch {
      throw new LinkError(LinkErrorCode.COMPILE_FAILED, `${CLANG} failed on ${src} (see its messages above)`);
    }
    return readObject(out, new Uint8Array(readFileSync(out)));
  });
  return link(objects);
}

function main(argv: string[]): number {
  const oAt = argv.indexOf('-o');
  const out = oAt >= 0 ? argv[oAt + 1] : undefined;
  const sources = argv.filter((_, i) => i !== oAt && i !== oAt + 1);
  if (!out || sources.length === 0) {
    console.error('usage: build-program.ts -o out.so source.c [source.c ...]');
    return 2;
  }
  try {
    const so = buildProgram(sources, join(dirname(out), 'obj'));
    writeFileSync(out, so);
    console.log(`${out}: ${so.length} bytes`);
    return 0;
  } catch (err) {
    if (err instanceof LinkError) {
      console.error(`link failed [${err.code}]: ${err.message}`);
      return 1;
    }
    throw err;
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href)
  process.exitCode = main(process.argv.slice(2));
