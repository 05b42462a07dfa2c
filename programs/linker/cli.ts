// Links clang BPF objects into an SBPF v0 shared object.
// Usage: node --import tsx programs/linker/cli.ts -o out.so a.o [b.o ...]
import { readFileSync, writeFileSync } from 'node:fs';
import { LinkError } from './errors.js';
import { link } from './link.js';
import { readObject } from './read-object.js';

function main(argv: string[]): number {
  const oAt = argv.indexOf('-o');
  const out = oAt >= 0 ? argv[oAt + 1] : undefined;
  const inputs = argv.filter((_, i) => i !== oAt && i !== oAt + 1);
  if (!out || inputs.length === 0) {
    console.error('usage: cli.ts -o out.so input.o [input.o ...]');
    return 2;
  }
  try {
    const objects = inputs.map((p) => readObject(p, new Uint8Array(readFileSync(p))));
    writeFileSync(out, link(objects));
    return 0;
  } catch (err) {
    if (err instanceof LinkError) {
      console.error(`link failed [${err.code}]: ${err.message}`);
      return 1;
    }
    throw err;
  }
}

process.exitCode = main(process.argv.slice(2));
