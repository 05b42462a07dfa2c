// The program's RFC 6962 audit-path check (merkle.c, in the real runtime) against merkle.ts: the
// same root for every proof of trees of 1 to 33 leaves, the Certificate Transparency reference
// roots, the same refusals, and check_certified_leaf against a RoundCertificate.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { SPLITUP_ERROR_CODES } from '../../../../programs/splitup/client/index.js';
import { merkleProof, merkleRoot, rootFromProof } from '../../../../protocols/committee/liveness/merkle.js';
import { isCodedError } from '../../../../storage/errors/index.js';
import { deployMerkleHarness, MERKLE_ERRORS, type MerkleHarness, type Proof } from './harness.js';

const hex = (s: string) => Uint8Array.from(Buffer.from(s, 'hex'));
const toHex = (b: Uint8Array) => Buffer.from(b).toString('hex');

// The Certificate Transparency reference leaves and the roots of their first n (RFC 6962 test data).
const CT_LEAVES = [
  '',
  '00',
  '10',
  '2021',
  '3031',
  '40414243',
  '5051525354555657',
  '606162636465666768696a6b6c6d6e6f',
].map(hex);
const CT_ROOTS = [
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];

function rootOf(h: MerkleHarness, proof: Proof, size: number): string {
  const r = h.root(proof, size);
  assert.ok(r.ok, `refused with ${r.ok ? '' : r.errorNumber}`);
  return toHex(r.output);
}

/** The C and merkle.ts agree: the same root, or a refusal of the same kind. */
function sameAsTs(h: MerkleHarness, proof: Proof, size: number): void {
  let ts: string | Error;
  try {
    ts = toHex(rootFromProof(proof.leaf, proof.index, size, proof.path));
  } catch (err) {
    ts = err as Error;
  }
  const c = h.root(proof, size);
  if (typeof ts === 'string') {
    assert.ok(c.ok, `C refused a proof merkle.ts accepts (${c.ok ? '' : c.errorNumber})`);
    assert.equal(toHex(c.output), ts);
  } else {
    assert.ok(!c.ok, 'C accepted a proof merkle.ts refuses');
    const code = MERKLE_ERRORS[c.errorNumber as keyof typeof MERKLE_ERRORS];
    assert.ok(isCodedError(ts, code), `C refused with ${c.errorNumber}, merkle.ts with ${ts.message}`);
  }
}

describe('merkle.c audit paths (RFC 6962, in the runtime)', () => {
  let h: MerkleHarness;
  before(() => {
    h = deployMerkleHarness();
  });

  it('reaches the Certificate Transparency reference roots from every leaf of trees of 1 to 8', () => {
    for (let n = 1; n <= 8; n++) {
      const leaves = CT_LEAVES.slice(0, n);
      for (let i = 0; i < n; i++)
        assert.equal(
          rootOf(h, { leaf: leaves[i]!, index: i, path: merkleProof(leaves, i) }, n),
          CT_ROOTS[n - 1],
          `leaf ${i} of ${n}`,
        );
    }
  });

  it('agrees with merkle.ts on every proof of trees of 1 to 33 leaves', () => {
    for (let n = 1; n <= 33; n++) {
      const leaves = Array.from({ length: n }, (_, i) => Uint8Array.of(i, n, 0xaa));
      const root = toHex(merkleRoot(leaves));
      for (let i = 0; i < n; i++)
        assert.equal(
          rootOf(h, { leaf: leaves[i]!, index: i, path: merkleProof(leaves, i) }, n),
          root,
          `leaf ${i} of ${n}`,
        );
    }
  });

  it('refuses what merkle.ts refuses: bad index, a path too long or too short for the size', () => {
    const path = merkleProof(CT_LEAVES, 5);
    const leaf = CT_LEAVES[5]!;
    for (const [index, size, p] of [
      [5, 8, path],
      [5, 6, path],
      [5, 64, path],
      [8, 8, path],
      [0, 0, []],
      [5, 8, path.slice(1)],
      [0, 1, path.slice(0, 1)],
      [0, 1, []],
    ] as const)
      sameAsTs(h, { leaf, index, path: p }, size);
    for (let n = 1; n <= 9; n++)
      for (let size = 1; size <= 17; size++) {
        const leaves = Array.from({ length: n }, (_, i) => Uint8Array.of(i));
        for (let i = 0; i < n; i++)
          sameAsTs(h, { leaf: leaves[i]!, index: i, path: merkleProof(leaves, i) }, size);
      }
  });

  it('accepts a leaf of a certified table only at its index, under its root and task count', () => {
    const leaves = Array.from({ length: 11 }, (_, i) => Uint8Array.of(i, 7));
    const root = merkleRoot(leaves);
    const proof = { leaf: leaves[6]!, index: 6, path: merkleProof(leaves, 6) };
    const table = { certified: true, root, taskCount: 11 };
    const ok = h.certified(proof, table);
    assert.ok(ok.ok);
    const refused = (p: Proof, t: typeof table, name: keyof typeof SPLITUP_ERROR_CODES) => {
      const r = h.certified(p, t);
      assert.ok(
        !r.ok && r.errorNumber === SPLITUP_ERROR_CODES[name],
        `expected ${name}, got ${JSON.stringify(r.ok ? 'ok' : r.errorNumber)} for index ${p.index} of ${t.taskCount}`,
      );
    };
    refused(proof, { ...table, certified: false }, 'RoundNotCertified');
    refused({ ...proof, leaf: leaves[5]! }, table, 'InvalidMerkleProof');
    refused({ ...proof, index: 5 }, table, 'InvalidMerkleProof');
    // A size whose tree has another shape at this index (a same-shaped size would reach the same root:
    // that is why the task count is certified with the root, and table leaves carry their counts).
    refused(proof, { ...table, taskCount: 7 }, 'InvalidMerkleProof');
    refused(proof, { ...table, taskCount: 20 }, 'InvalidMerkleProof');
    refused(proof, { ...table, root: merkleRoot(leaves.slice(1)) }, 'InvalidMerkleProof');
    const forged = proof.path.map((x) => x.slice());
    forged[2]![31]! ^= 1;
    refused({ ...proof, path: forged }, table, 'InvalidMerkleProof');
  });
});
