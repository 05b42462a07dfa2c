import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isCodedError } from '../../../node/errors.js';
import { formatSize, parseSize } from '../../../node/util/size.js';

test('parseSize reads decimal and binary units', () => {
  assert.equal(parseSize('12GB'), 12e9);
  assert.equal(parseSize('512MiB'), 512 * 2 ** 20);
  assert.equal(parseSize('1.5 GiB'), 1.5 * 2 ** 30);
  assert.equal(parseSize('4096'), 4096);
  assert.equal(parseSize('2kb'), 2000);
});

test('parseSize refuses garbage, unknown units and zero with SIZE_INVALID', () => {
  for (const bad of ['', 'GB', '12 parsecs', '-1GB', '0', '1e3']) {
    assert.throws(
      () => parseSize(bad),
      (e) => isCodedError(e, 'SIZE_INVALID') && e.message.includes(bad),
      bad,
    );
  }
});

test('formatSize uses binary units', () => {
  assert.equal(formatSize(512), '512 B');
  assert.equal(formatSize(1536), '1.50 KiB');
  assert.equal(formatSize(3 * 2 ** 30), '3.00 GiB');
});
