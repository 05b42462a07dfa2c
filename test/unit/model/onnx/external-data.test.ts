import assert from 'node:assert/strict';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { isCodedError } from '../../../../node/errors.js';
import { readExternalBytes, safeExternalPath } from '../../../../node/model/onnx/external-data.js';
import { loadOnnxModel } from '../../../../node/model/onnx/load.js';
import { externalMlpModel, tempDir, writeModel } from '../tiny-models.js';

test('a model with external weights loads and its tensors read back byte for byte', () => {
  const { model, weights } = externalMlpModel('weights.bin');
  const loaded = loadOnnxModel(writeModel(model, { 'weights.bin': weights }));
  const w2 = loaded.model.graph?.initializer.find((t) => t.name === 'W2');
  assert.ok(w2);
  assert.ok(Buffer.from(readExternalBytes(loaded.dir, w2)).equals(weights.subarray(1024, 2048)));
});

test('a location in a subfolder inside the model folder is allowed', () => {
  const dir = tempDir();
  mkdirSync(join(dir, 'data'));
  const { model, weights } = externalMlpModel('data/w.bin');
  assert.ok(loadOnnxModel(writeModel(model, { 'data/w.bin': weights }, dir)));
});

for (const location of ['../weights.bin', '/etc/passwd', 'data/../../weights.bin', 'C:\\weights.bin', '..']) {
  test(`external location '${location}' is EXTERNAL_DATA_ESCAPE`, () => {
    const { model } = externalMlpModel(location);
    assert.throws(
      () => loadOnnxModel(writeModel(model)),
      (e) => isCodedError(e, 'EXTERNAL_DATA_ESCAPE') && e.message.includes(location),
    );
  });
}

test('a weights file that is a link to a file outside the folder is EXTERNAL_DATA_ESCAPE', () => {
  const { model, weights } = externalMlpModel('weights.bin');
  const outside = join(tempDir(), 'elsewhere.bin');
  writeFileSync(outside, weights);
  const dir = tempDir();
  symlinkSync(outside, join(dir, 'weights.bin'));
  assert.throws(
    () => loadOnnxModel(writeModel(model, {}, dir)),
    (e) => isCodedError(e, 'EXTERNAL_DATA_ESCAPE'),
  );
});

test('a missing weights file is EXTERNAL_DATA_MISSING', () => {
  const { model } = externalMlpModel('weights.bin');
  assert.throws(
    () => loadOnnxModel(writeModel(model)),
    (e) => isCodedError(e, 'EXTERNAL_DATA_MISSING') && e.message.includes('weights.bin'),
  );
});

test('a weights file shorter than its tensors is EXTERNAL_DATA_TRUNCATED', () => {
  const { model, weights } = externalMlpModel('weights.bin');
  assert.throws(
    () => loadOnnxModel(writeModel(model, { 'weights.bin': weights.subarray(0, 1500) })),
    (e) => isCodedError(e, 'EXTERNAL_DATA_TRUNCATED') && e.message.includes("'W2'"),
  );
});

test('safeExternalPath resolves plain names inside the folder', () => {
  assert.equal(safeExternalPath('/a/b', 'w.bin', 't'), '/a/b/w.bin');
});
