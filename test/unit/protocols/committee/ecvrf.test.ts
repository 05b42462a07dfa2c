import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import {
  encodeToCurve,
  vrfKeyPair,
  vrfProofToHash,
  vrfProve,
  vrfVerify,
} from '../../../../protocols/committee/vrf/ecvrf.js';
import { VrfErrorCode } from '../../../../protocols/committee/vrf/errors.js';
import { isCodedError } from '../../../../storage/errors/index.js';

const hex = (s: string) => Uint8Array.from(Buffer.from(s, 'hex'));
const toHex = (b: Uint8Array) => Buffer.from(b).toString('hex');

// RFC 9381 Appendix B.3, examples 16–18 (ECVRF-EDWARDS25519-SHA512-TAI).
const RFC_EXAMPLES = [
  {
    sk: '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60',
    pk: 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a',
    alpha: '',
    pi: '8657106690b5526245a92b003bb079ccd1a92130477671f6fc01ad16f26f723f26f8a57ccaed74ee1b190bed1f479d9727d2d0f9b005a6e456a35d4fb0daab1268a1b0db10836d9826a528ca76567805',
    beta: '90cf1df3b703cce59e2a35b925d411164068269d7b2d29f3301c03dd757876ff66b71dda49d2de59d03450451af026798e8f81cd2e333de5cdf4f3e140fdd8ae',
  },
  {
    sk: '4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb',
    pk: '3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c',
    alpha: '72',
    pi: 'f3141cd382dc42909d19ec5110469e4feae18300e94f304590abdced48aed5933bf0864a62558b3ed7f2fea45c92a465301b3bbf5e3e54ddf2d935be3b67926da3ef39226bbc355bdc9850112c8f4b02',
    beta: 'eb4440665d3891d668e7e0fcaf587f1b4bd7fbfe99d0eb2211ccec90496310eb5e33821bc613efb94db5e5b54c70a848a0bef4553a41befc57663b56373a5031',
  },
  {
    sk: 'c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7',
    pk: 'fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025',
    alpha: 'af82',
    pi: '9bc0f79119cc5604bf02d23b4caede71393cedfbb191434dd016d30177ccbf8096bb474e53895c362d8628ee9f9ea3c0e52c7a5c691b6c18c9979866568add7a2d41b00b05081ed0f58ee5e31b3a970e',
    beta: '645427e5d00c62a23fb703732fa5d892940935942101e456ecca7bb217c61c452118fec1219202a0edcf038bb6373241578be7217ba85a2687f7a0310b2df19f',
  },
];

const refusedAs = (code: string) => (err: unknown) => isCodedError(err, code);

test('the RFC 9381 examples: key, proof and output byte for byte', () => {
  for (const ex of RFC_EXAMPLES) {
    assert.equal(toHex(vrfKeyPair(hex(ex.sk)).publicKey), ex.pk);
    const proof = vrfProve(hex(ex.sk), hex(ex.alpha));
    assert.equal(toHex(proof), ex.pi);
    assert.equal(toHex(vrfProofToHash(proof)), ex.beta);
    assert.equal(toHex(vrfVerify(hex(ex.pk), hex(ex.pi), hex(ex.alpha))), ex.beta);
  }
});

test('hash to curve: example 17 decodes at the second attempt, the others at the first', () => {
  const ctrs = RFC_EXAMPLES.map((ex) => encodeToCurve(hex(ex.pk), hex(ex.alpha)).ctr);
  assert.deepEqual(ctrs, [0, 1, 0]);
});

test('random keys and inputs: every proof verifies to its own output, and outputs differ', () => {
  const outputs = new Set<string>();
  for (let i = 0; i < 12; i++) {
    const sk = randomBytes(32);
    const alpha = randomBytes(i * 7);
    const { publicKey } = vrfKeyPair(sk);
    const proof = vrfProve(sk, alpha);
    const beta = vrfVerify(publicKey, proof, alpha);
    assert.deepEqual(beta, vrfProofToHash(proof));
    outputs.add(toHex(beta));
  }
  assert.equal(outputs.size, 12);
});

test('a tampered proof, another input or another key is refused', () => {
  const ex = RFC_EXAMPLES[2]!;
  const [pk, pi, alpha] = [hex(ex.pk), hex(ex.pi), hex(ex.alpha)];
  // One flipped bit in Gamma, in c and in s each.
  for (const at of [5, 40, 60]) {
    const bad = pi.slice();
    bad[at]! ^= 0x01;
    assert.throws(() => vrfVerify(pk, bad, alpha), refusedAs(VrfErrorCode.INVALID_PROOF), `byte ${at}`);
  }
  assert.throws(() => vrfVerify(pk, pi, hex('af83')), refusedAs(VrfErrorCode.INVALID_PROOF));
  assert.throws(() => vrfVerify(hex(RFC_EXAMPLES[0]!.pk), pi, alpha), refusedAs(VrfErrorCode.INVALID_PROOF));
});

test('an unreduced s, a small-order key and wrong lengths are refused with their codes', () => {
  const ex = RFC_EXAMPLES[1]!;
  const [pk, pi, alpha] = [hex(ex.pk), hex(ex.pi), hex(ex.alpha)];
  // s + q encodes the same point arithmetic, but RFC 9381 requires s < q.
  const q = 2n ** 252n + 27742317777372353535851937790883648493n;
  let s = 0n;
  for (let i = 79; i >= 48; i--) s = (s << 8n) | BigInt(pi[i]!);
  const unreduced = pi.slice();
  let big = s + q;
  for (let i = 48; i < 80; i++, big >>= 8n) unreduced[i] = Number(big & 0xffn);
  assert.throws(() => vrfVerify(pk, unreduced, alpha), refusedAs(VrfErrorCode.INVALID_PROOF));
  // The identity point (y = 1) has order 1.
  const identity = new Uint8Array(32);
  identity[0] = 1;
  assert.throws(() => vrfVerify(identity, pi, alpha), refusedAs(VrfErrorCode.INVALID_PUBLIC_KEY));
  assert.throws(() => vrfVerify(pk.subarray(1), pi, alpha), refusedAs(VrfErrorCode.MALFORMED_INPUT));
  assert.throws(() => vrfVerify(pk, pi.subarray(1), alpha), refusedAs(VrfErrorCode.MALFORMED_INPUT));
  assert.throws(() => vrfProve(new Uint8Array(31), alpha), refusedAs(VrfErrorCode.MALFORMED_INPUT));
  // y = p (non-canonical) is not a point encoding.
  const nonCanonical = hex('edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f');
  assert.throws(() => vrfVerify(nonCanonical, pi, alpha), refusedAs(VrfErrorCode.MALFORMED_INPUT));
});
