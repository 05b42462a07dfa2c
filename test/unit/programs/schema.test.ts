import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { SPLITUP_IDL } from '../../../programs/splitup/client/index.js';
import { splitupProgramKeypair } from '../../../programs/splitup/deploy.js';
import { generate } from '../../../programs/splitup/schema/generate.js';
import { layoutStructs } from '../../../programs/splitup/schema/layout.js';

const root = new URL('../../../programs/splitup/', import.meta.url);

describe('layout source of truth', () => {
  it('the committed C header, IDL and TS types are what the schema generates', () => {
    for (const [path, text] of Object.entries(generate())) {
      assert.equal(readFileSync(fileURLToPath(new URL(path, root)), 'utf8'), text, `${path} is stale`);
    }
  });

  it('refuses a struct whose Borsh layout would need C padding', () => {
    assert.throws(
      () =>
        layoutStructs([
          {
            name: 'Bad',
            doc: '',
            fields: [
              { name: 'flag', type: 'u8' },
              { name: 'amount', type: 'u64' },
            ],
          },
        ]),
      /Bad.amount at offset 1 is not 8-aligned/,
    );
    assert.throws(
      () =>
        layoutStructs([
          {
            name: 'Tail',
            doc: '',
            fields: [
              { name: 'amount', type: 'u64' },
              { name: 'flag', type: 'u8' },
            ],
          },
        ]),
      /size 9 is not a multiple/,
    );
  });

  it('writes an Anchor 0.30+ IDL: program address, explicit discriminators, snake_case names', () => {
    const idl = JSON.parse(readFileSync(fileURLToPath(new URL('idl/splitup.json', root)), 'utf8'));
    assert.equal(idl.address, splitupProgramKeypair().publicKey.toBase58());
    assert.equal(idl.metadata.spec, '0.1.0');
    const names = idl.instructions.map((i: { name: string }) => i.name);
    for (const n of ['initialize', 'register_model', 'register_task', 'assign_task', 'report_completion'])
      assert.ok(names.includes(n), n);
    for (const ix of idl.instructions) assert.equal(ix.discriminator.length, 8);
    // Anchor's default: sha256("global:initialize")[0..8].
    assert.deepEqual(idl.instructions[0].discriminator, [175, 175, 109, 31, 13, 152, 155, 237]);
    assert.equal(SPLITUP_IDL.address, idl.address);
  });
});
