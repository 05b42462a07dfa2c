// Only standard operators may run on a worker: ai.onnx (domain '' or 'ai.onnx'), ai.onnx.ml, and the
// com.microsoft fusions that onnxruntime's own optimizer emits. No custom-op libraries, no
// model-local functions (their bodies could hide anything a worker would then have to trust).
import type { ModelProto } from 'onnx-buf';
import { SplitUpError } from '../../errors.js';
import { ModelErrorCode } from '../errors.js';
import { forEachGraph } from './graph-walk.js';

const STANDARD_DOMAINS: ReadonlySet<string> = new Set(['', 'ai.onnx', 'ai.onnx.ml']);
const ORT_FUSION_DOMAIN = 'com.microsoft';

/**
 * Ops onnxruntime's optimizer produces in com.microsoft (graph transformers in
 * onnxruntime/core/optimizer: conv/matmul/gelu/layernorm/attention fusions and friends).
 * A com.microsoft op outside this list was written by hand or by another tool: refused.
 */
const ORT_FUSION_OPS: ReadonlySet<string> = new Set([
  'FusedConv',
  'FusedGemm',
  'FusedMatMul',
  'MatMulIntegerToFloat',
  'DynamicQuantizeMatMul',
  'QuickGelu',
  'Gelu',
  'BiasGelu',
  'FastGelu',
  'BiasSoftmax',
  'BiasDropout',
  'BiasAdd',
  'SkipLayerNormalization',
  'SkipSimplifiedLayerNormalization',
  'SimplifiedLayerNormalization',
  'LayerNormalization',
  'EmbedLayerNormalization',
  'Attention',
  'MultiHeadAttention',
  'GroupQueryAttention',
  'RotaryEmbedding',
  'GemmFastGelu',
  'NhwcMaxPool',
  'NhwcConv',
  'QLinearConv',
  'QLinearAdd',
  'QLinearMul',
  'QLinearSigmoid',
  'QLinearLeakyRelu',
  'QLinearAveragePool',
  'QLinearGlobalAveragePool',
  'QLinearConcat',
  'DequantizeLinear',
  'QuantizeLinear',
  'MatMulNBits',
  'TransposeMatMul',
]);

export interface OperatorPolicy {
  /** Accept ORT's com.microsoft fusion ops (true for a model ORT optimized, and for task files). */
  allowOrtFusions: boolean;
}

export function assertStandardOperators(model: ModelProto, policy: OperatorPolicy): void {
  if (model.functions.length > 0) {
    const f = model.functions[0];
    throw new SplitUpError(
      ModelErrorCode.FOREIGN_OPERATOR,
      `the model defines local function '${f?.domain}:${f?.name}'; only standard ONNX operators are allowed in a task`,
      { domain: f?.domain, opType: f?.name },
    );
  }
  if (!model.graph) return;
  forEachGraph(model.graph, (graph) => {
    for (const node of graph.node) {
      const domain = node.domain;
      if (STANDARD_DOMAINS.has(domain)) continue;
      if (policy.allowOrtFusions && domain === ORT_FUSION_DOMAIN && ORT_FUSION_OPS.has(node.opType)) continue;
      throw new SplitUpError(
        ModelErrorCode.FOREIGN_OPERATOR,
        `node '${node.name || '(unnamed)'}' uses operator '${node.opType}' from domain '${domain}', which is not a standard ONNX operator (allowed: ai.onnx, ai.onnx.ml, and onnxruntime's own fusions); custom-op libraries are not supported`,
        { node: node.name, domain, opType: node.opType },
      );
    }
  });
}
