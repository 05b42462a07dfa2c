import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MerkleErrorCode } from '../../../../protocols/committee/liveness/errors.js';
import {
  merkleProof,
  merkleRoot,
  rootFromProof,
  verifyMerkleProof,
} from '../../../../protocols/committee/liveness/merkle.js';
import { isCodedError } from '../../../../storage/errors/index.js';

const hex = (s: string) => Uint8Array.from(Buffer.from(s, 'hex'));
const toHex = (b: Uint8Array) => Buffer.from(b).toString('hex');

// The Certificate Transparency reference leaves and the roots of their first n (RFC 6962 test data).
const LEAVES = [
  '',
  '00',
  '10',
  '2021',
  '3031',
  '40414243',
  '5051525354555657',
  '606162636465666768696a6b6c6d6e6f',
].map(hex);
const ROOTS = [
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];

const refusedAs = (code: string) => (err: unknown) => isCodedError(err, code);

test('roots of the reference trees of 0 to 8 leaves', () => {
  for (let n = 0; n <= 8; n++) assert.equal(toHex(merkleRoot(LEAVES.slice(0, n))), ROOTS[n], `${n} leaves`);
});

test('every leaf of trees of 1 to 33 leaves proves its membership, and only at its own index', () => {
  for (let n = 1; n <= 33; n++) {
    const leaves = Array.from({ length: n }, (_, i) => Uint8Array.of(i, n));
    const root = merkleRoot(leaves);
    for (let i = 0; i < n; i++) {
      const path = merkleProof(leaves, i);
      assert.ok(verifyMerkleProof(root, leaves[i]!, i, n, path), `leaf ${i} of ${n}`);
      if (n > 1) {
        const other = (i + 1) % n;
        assert.ok(!verifyMerkleProof(root, leaves[other]!, i, n, path), `leaf ${other} at ${i} of ${n}`);
      }
    }
  }
});

test('a forged path, another size or a leaf posing as an inner node does not reach the root', () => {
  const root = merkleRoot(LEAVES);
  const path = merkleProof(LEAVES, 5);
  const forged = path.map((h) => h.slice());
  forged[1]![0]! ^= 1;
  assert.ok(!verifyMerkleProof(root, LEAVES[5]!, 5, 8, forged));
  // The root does not fix the size (8 leaves' path fits a 7-leaf shape): certificates sign both.
  assert.ok(!verifyMerkleProof(merkleRoot(LEAVES.slice(0, 7)), LEAVES[5]!, 5, 7, path));
  assert.ok(!verifyMerkleProof(root, LEAVES[5]!, 4, 8, path));
  assert.throws(() => rootFromProof(LEAVES[5]!, 5, 6, path), refusedAs(MerkleErrorCode.MALFORMED_PROOF));
  assert.throws(() => rootFromProof(LEAVES[5]!, 5, 64, path), refusedAs(MerkleErrorCode.MALFORMED_PROOF));
  // The two children's hashes, concatenated, are not a leaf of the parent's tree.
  const pair = merkleRoot(LEAVES.slice(0, 2));
  assert.notEqual(toHex(merkleRoot([LEAVES[0]!, LEAVES[1]!])), toHex(merkleRoot([pair])));
});

test('bad indexes and malformed paths are refused with their codes', () => {
  assert.throws(() => merkleProof(LEAVES, 8), refusedAs(MerkleErrorCode.INVALID_INDEX));
  assert.throws(() => merkleProof(LEAVES, -1), refusedAs(MerkleErrorCode.INVALID_INDEX));
  assert.throws(() => rootFromProof(LEAVES[0]!, 3, 3, []), refusedAs(MerkleErrorCode.INVALID_INDEX));
  assert.throws(
    () => rootFromProof(LEAVES[0]!, 0, 2, [new Uint8Array(31)]),
    refusedAs(MerkleErrorCode.MALFORMED_PROOF),
  );
  const tooDeep = Array.from({ length: 33 }, () => new Uint8Array(32));
  assert.throws(
    () => rootFromProof(LEAVES[0]!, 0, 2 ** 40, tooDeep),
    refusedAs(MerkleErrorCode.MALFORMED_PROOF),
  );
});
