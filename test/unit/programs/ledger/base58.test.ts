import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { getBase58Decoder, getBase58Encoder } from '@solana/kit';
import { decodeBase58 } from '../../../../programs/ledger/base58.js';

const toText = getBase58Decoder();
const kitBytes = getBase58Encoder();

test('decodes what kit encodes, leading zero bytes included, for every length up to a packet', () => {
  for (let length = 0; length <= 1232; length += length < 80 ? 1 : 37) {
    for (const zeros of [0, 1, 3]) {
      const bytes = new Uint8Array(randomBytes(length));
      bytes.fill(0, 0, Math.min(zeros, length));
      const text = toText.decode(bytes);
      assert.deepEqual(decodeBase58(text), bytes, `${length} bytes, ${zeros} zeros: ${text}`);
    }
  }
  assert.deepEqual(decodeBase58(''), new Uint8Array(0));
  assert.deepEqual(decodeBase58('111'), new Uint8Array(3));
});

test('agrees with kit on random text, and refuses characters outside the alphabet', () => {
  const alphabet = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
  for (let n = 0; n < 300; n++) {
    let text = '';
    for (const b of randomBytes(1 + (n % 120))) text += alphabet[b % 58];
    assert.deepEqual(decodeBase58(text), new Uint8Array(kitBytes.encode(text)), text);
  }
  for (const bad of ['0', 'O', 'I', 'l', 'abc+', 'é', ' 2', '2\n'])
    assert.equal(decodeBase58(bad), undefined, bad);
});
