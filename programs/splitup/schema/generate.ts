// Generates the C header, the Anchor IDL and the TypeScript client types from schema/splitup.ts.
// Usage: node --import tsx programs/splitup/schema/generate.ts [--check]
//   --check: exit 1 if any generated file differs from what is committed.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Keypair } from '@solana/web3.js';
import { emitC } from './emit-c.js';
import { emitIdl } from './emit-idl.js';
import { emitTs } from './emit-ts.js';
import { layoutStructs } from './layout.js';
import {
  accounts,
  BPF_LOADER_UPGRADEABLE_ID,
  constants,
  errors,
  instructions,
  MODEL_ENDPOINT_NAME,
  NAME_BYTES,
  PROGRAM_NAME,
  PROGRAM_VERSION,
  SYSTEM_PROGRAM_ID,
  structs,
  TOKEN_PROGRAM_ID,
} from './splitup.js';

const root = new URL('../', import.meta.url);
const at = (p: string) => fileURLToPath(new URL(p, root));

export function programAddress(): string {
  const secret = JSON.parse(readFileSync(at('program-keypair.json'), 'utf8')) as number[];
  return Keypair.fromSecretKey(Uint8Array.from(secret)).publicKey.toBase58();
}

/** On-chain name: sha256(name)[0..NAME_BYTES]; the empty name is all zeros. */
export function nameHash(name: string): number[] {
  if (name === '') return Array(NAME_BYTES).fill(0);
  return Array.from(createHash('sha256').update(name, 'utf8').digest().subarray(0, NAME_BYTES));
}

/** Formats generated TypeScript the way `biome check --write` would, so lint leaves it alone. */
function biomeFormat(source: string, path: string): string {
  const biome = fileURLToPath(new URL('../../../node_modules/.bin/biome', import.meta.url));
  return execFileSync(biome, ['format', `--stdin-file-path=${at(path)}`], {
    input: source,
    encoding: 'utf8',
  });
}

/** Path (relative to programs/splitup/) → contents. */
export function generate(): Record<string, string> {
  const layouts = layoutStructs(structs);
  const idl = emitIdl({
    address: programAddress(),
    name: PROGRAM_NAME,
    version: PROGRAM_VERSION,
    structs,
    accounts,
    instructions,
    errors,
  });
  return {
    'src/generated/splitup_layout.h': emitC({
      constants,
      structs,
      layouts,
      accounts,
      instructions,
      errors,
      programIds: {
        SYSTEM_PROGRAM: SYSTEM_PROGRAM_ID,
        TOKEN_PROGRAM: TOKEN_PROGRAM_ID,
        BPF_LOADER_UPGRADEABLE: BPF_LOADER_UPGRADEABLE_ID,
      },
      byteConstants: { MODEL_ENDPOINT_HASH: nameHash(MODEL_ENDPOINT_NAME) },
    }),
    'idl/splitup.json': `${JSON.stringify(idl, null, 2)}\n`,
    'client/generated/splitup.ts': biomeFormat(emitTs(idl, errors, constants), 'client/generated/splitup.ts'),
  };
}

function main(check: boolean): number {
  let stale = 0;
  for (const [path, text] of Object.entries(generate())) {
    let current: string | undefined;
    try {
      current = readFileSync(at(path), 'utf8');
    } catch {
      current = undefined;
    }
    if (current === text) continue;
    if (check) {
      console.error(
        `programs/splitup/${path} is out of date; run: node --import tsx programs/splitup/schema/generate.ts`,
      );
      stale++;
    } else writeFileSync(at(path), text);
  }
  return stale === 0 ? 0 : 1;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href)
  process.exitCode = main(process.argv.includes('--check'));
