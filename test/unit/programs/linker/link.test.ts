import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Keypair, TransactionInstruction } from '@solana/web3.js';
import { LiteSVM } from 'litesvm';
import { buildProgram } from '../../../../programs/linker/build-program.js';
import { LinkError } from '../../../../programs/linker/errors.js';
import { readObject } from '../../../../programs/linker/read-object.js';
import { RuntimeError } from '../../../../programs/runtime/errors.js';
import { airdrop } from '../../../../programs/runtime/funding.js';
import { sendInstructions } from '../../../../programs/runtime/send-transaction.js';
import { deployUpgradeable } from '../../../../programs/runtime/upgradeable-loader.js';

const HELLO = fileURLToPath(new URL('../fixtures/hello.c', import.meta.url));
const SDK_INCLUDE = `-I${fileURLToPath(new URL('../../../../programs/sdk', import.meta.url))}`;
const SOL = 1_000_000_000n;

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'splitup-link-'));
}

/** Writes a C source into a fresh folder and builds it; returns the link result or the error. */
function buildSnippet(source: string, extraFlags: string[] = []): Uint8Array {
  const dir = tmp();
  const file = join(dir, 'snippet.c');
  writeFileSync(file, `#include "sbf.h"\n${source}`);
  return buildProgram([file], join(dir, 'obj'), [SDK_INCLUDE, ...extraFlags]);
}

function linkErrorCode(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof LinkError) return err.code;
    throw err;
  }
  assert.fail('expected a LinkError');
}

describe('SBPF linker', () => {
  it('links a C program the real upgradeable loader deploys and runs', () => {
    const so = buildProgram([HELLO], join(tmp(), 'obj'));
    const svm = new LiteSVM();
    const payer = Keypair.generate();
    airdrop(svm, payer.publicKey, 100n * SOL);
    const program = Keypair.generate();
    deployUpgradeable(svm, payer, program, so, Keypair.generate());

    const ok = sendInstructions(
      svm,
      [new TransactionInstruction({ programId: program.publicKey, keys: [], data: Buffer.from([1, 2, 3]) })],
      [payer],
    );
    // Odd first byte picks the second entry of a pointer table in .rodata (R_BPF_64_ABS64).
    assert.ok(ok.logs.includes('Program log: second greeting'), ok.logs.join('\n'));
    // add_three(3) = double_it(3)/2 + 3 = 6: a global call and a static pc-relative call.
    assert.ok(ok.logs.includes('Program log: 0x0, 0x3, 0x6, 0x0, 0x0'), ok.logs.join('\n'));
    assert.ok(ok.computeUnits > 0n);

    const failed = (() => {
      try {
        sendInstructions(
          svm,
          [new TransactionInstruction({ programId: program.publicKey, keys: [], data: Buffer.from([0xee]) })],
          [payer],
        );
      } catch (err) {
        return err;
      }
      return undefined;
    })();
    assert.ok(failed instanceof RuntimeError);
    assert.equal(failed.code, 'RUNTIME_TX_FAILED');
    assert.equal(failed.customCode, 42);
    assert.ok(failed.logs.includes('Program log: hello from C'));
  });

  it('is deterministic: two builds are byte-identical', () => {
    const a = buildProgram([HELLO], join(tmp(), 'obj'));
    const b = buildProgram([HELLO], join(tmp(), 'obj'));
    assert.deepEqual(Buffer.from(a), Buffer.from(b));
  });

  it('writes ET_DYN EM_BPF with sh_addr == sh_offset for every allocated section', () => {
    const so = buildProgram([HELLO], join(tmp(), 'obj'));
    const v = new DataView(so.buffer, so.byteOffset, so.byteLength);
    assert.equal(v.getUint16(16, true), 3);
    assert.equal(v.getUint16(18, true), 247);
    assert.equal(v.getUint32(48, true), 0);
    const shoff = Number(v.getBigUint64(40, true));
    const shnum = v.getUint16(60, true);
    for (let i = 0; i < shnum; i++) {
      const at = shoff + i * 64;
      const flags = v.getBigUint64(at + 8, true);
      if (flags & 2n) assert.equal(v.getBigUint64(at + 16, true), v.getBigUint64(at + 24, true));
    }
  });

  it('refuses writable globals', () => {
    const code = linkErrorCode(() =>
      buildSnippet('u64 counter = 7;\nu64 entrypoint(const u8 *in) { return counter++; }'),
    );
    assert.equal(code, 'LINK_WRITABLE_DATA');
  });

  it('refuses zero-initialized writable globals (.bss)', () => {
    const code = linkErrorCode(() =>
      buildSnippet(
        'static u64 seen[4];\nu64 entrypoint(const u8 *in) { seen[in[0] & 3]++; return seen[1]; }',
      ),
    );
    assert.equal(code, 'LINK_WRITABLE_DATA');
  });

  it('refuses a program without an entrypoint', () => {
    const code = linkErrorCode(() => buildSnippet('u64 not_the_entry(const u8 *in) { return 0; }'));
    assert.equal(code, 'LINK_NO_ENTRYPOINT');
  });

  it('refuses 32-bit ALU code (alu32), which SBPF v0 runs with different semantics', () => {
    const code = linkErrorCode(() =>
      buildSnippet('u64 entrypoint(const u8 *in) { u32 a = *(const u32 *)in; return (u32)(a * 3 + 1); }', [
        '-mcpu=v3',
      ]),
    );
    assert.equal(code, 'LINK_BAD_INSTRUCTION');
  });

  it('refuses data references to undefined symbols', () => {
    const code = linkErrorCode(() =>
      buildSnippet('extern const u8 table[4];\nu64 entrypoint(const u8 *in) { return table[in[0] & 3]; }'),
    );
    assert.equal(code, 'LINK_UNDEFINED_DATA_SYMBOL');
  });

  it('refuses input that is not a BPF relocatable object', () => {
    assert.equal(
      linkErrorCode(() => readObject('x.o', new Uint8Array([1, 2, 3]))),
      'LINK_BAD_OBJECT',
    );
  });
});
