// Compute units: a deterministic cost measure for a node, from its op type and the tensor shapes
// under the declared input shapes. Roughly FLOPs; the same model and declarations always give
// the same number on every machine, so it can be priced and registered on-chain.
//
// | op type                                   | units                                               |
// | ----------------------------------------- | --------------------------------------------------- |
// | MatMul, FusedMatMul, Gemm, FusedGemm      | 2 x M x N x K (K = last dim of input A)             |
// | Conv, FusedConv, ConvTranspose            | 2 x output elements x (C_in / group) x kernel area  |
// |   (ConvTranspose: input elements x C_out/group x kernel area x 2)                               |
// | Attention-like fusions (Attention, MHA)   | 4 x batch x seq^2 x hidden (+ projections' MatMuls) |
// | Softmax, LayerNorm, *Normalization, Gelu  | 5 x output elements (several passes per element)    |
// | Reduce*, pools, GlobalAveragePool         | input elements                                      |
// | elementwise and everything else computing | output elements                                     |
// | shape/reindex only (Shape, Reshape, ...)  | 0 (or 1 for scalars), they move no arithmetic       |
// | If / Loop / Scan                          | sum of output elements (subgraph cost unknown up front) |
// | unknown output shape                      | FALLBACK_UNITS (documented constant below)          |
import type { NodeProto } from 'onnx-buf';

/** Units for a node whose shapes cannot be known: one unit per input tensor element we do know, at least this. */
export const FALLBACK_UNITS = 1;

const FREE_OPS: ReadonlySet<string> = new Set([
  'Shape',
  'Size',
  'Reshape',
  'Squeeze',
  'Unsqueeze',
  'Flatten',
  'Identity',
  'Constant',
  'ConstantOfShape',
  'Dropout',
]);

const MULTI_PASS_OPS: ReadonlySet<string> = new Set([
  'Softmax',
  'LogSoftmax',
  'LayerNormalization',
  'SimplifiedLayerNormalization',
  'SkipLayerNormalization',
  'SkipSimplifiedLayerNormalization',
  'BatchNormalization',
  'InstanceNormalization',
  'GroupNormalization',
  'Gelu',
  'FastGelu',
  'BiasGelu',
  'QuickGelu',
]);
const MULTI_PASS_FACTOR = 5;

const INPUT_SIZED_OPS = /^(Reduce|Global|ArgMax|ArgMin|MaxPool|AveragePool|LpPool)/;

export type ShapeOf = (tensor: string) => readonly number[] | undefined;

function count(shape: readonly number[] | undefined): number | undefined {
  if (!shape) return undefined;
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

function intAttr(node: NodeProto, name: string, fallback: number): number {
  const a = node.attribute.find((x) => x.name === name);
  return a ? Number(a.i) : fallback;
}

function matmulUnits(node: NodeProto, shapeOf: ShapeOf): number | undefined {
  const a = shapeOf(node.input[0] ?? '');
  const out = count(shapeOf(node.output[0] ?? ''));
  if (!a || out === undefined) return undefined;
  const transA = node.opType.includes('Gemm') && intAttr(node, 'transA', 0) === 1;
  const k = transA ? a[a.length - 2] : a[a.length - 1];
  return k === undefined ? undefined : 2 * out * k;
}

function convUnits(node: NodeProto, shapeOf: ShapeOf): number | undefined {
  const w = shapeOf(node.input[1] ?? '');
  if (!w || w.length < 3) return undefined;
  const group = intAttr(node, 'group', 1);
  const kernel = w.slice(2).reduce((s, d) => s * d, 1);
  if (node.opType === 'ConvTranspose') {
    const inElems = count(shapeOf(node.input[0] ?? ''));
    const cOutPerGroup = w[1] as number;
    return inElems === undefined ? undefined : 2 * inElems * cOutPerGroup * kernel;
  }
  const out = count(shapeOf(node.output[0] ?? ''));
  const cInPerGroup = w[1] as number;
  void group; // the weight's dim 1 is already C_in / group
  return out === undefined ? undefined : 2 * out * cInPerGroup * kernel;
}

function attentionUnits(node: NodeProto, shapeOf: ShapeOf): number | undefined {
  const q = shapeOf(node.input[0] ?? '');
  if (!q || q.length < 3) return undefined;
  const [b, s, h] = q as [number, number, number];
  return 4 * b * s * s * h;
}

/** Deterministic units of one node (see the table at the top of this file). */
export function nodeComputeUnits(node: NodeProto, shapeOf: ShapeOf): number {
  const op = node.opType;
  const outElems = count(shapeOf(node.output[0] ?? ''));
  let units: number | undefined;
  if (FREE_OPS.has(op)) units = 0;
  else if (
    op === 'MatMul' ||
    op === 'FusedMatMul' ||
    op === 'Gemm' ||
    op === 'FusedGemm' ||
    op === 'TransposeMatMul'
  )
    units = matmulUnits(node, shapeOf);
  else if (op === 'Conv' || op === 'FusedConv' || op === 'ConvTranspose' || op === 'NhwcConv')
    units = convUnits(node, shapeOf);
  else if (op === 'Attention' || op === 'MultiHeadAttention' || op === 'GroupQueryAttention')
    units = attentionUnits(node, shapeOf);
  else if (MULTI_PASS_OPS.has(op)) units = outElems === undefined ? undefined : MULTI_PASS_FACTOR * outElems;
  else if (INPUT_SIZED_OPS.test(op)) units = count(shapeOf(node.input[0] ?? ''));
  else if (op === 'If' || op === 'Loop' || op === 'Scan')
    units = node.output.reduce((s, o) => s + (count(shapeOf(o)) ?? 0), 0);
  else units = outElems;
  return units === undefined ? FALLBACK_UNITS : Math.max(0, Math.round(units));
}
