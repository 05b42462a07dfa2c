// Synthetic PartitionGraphs for tests and benchmarks: a transformer-shaped decoder (with KV-cache
// state bindings and an optional tied embedding) and small random DAGs. Deterministic given a seed.
import assert from 'node:assert/strict';
import type { PartitionGraph, PGNode, PGTensor, TensorKind } from '../partition-graph.js';

/** mulberry32: a tiny, fast, seeded PRNG returning floats in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Builds a PartitionGraph from a compact description; fills consumers and producers. */
export class GraphBuilder {
  readonly nodes: PGNode[] = [];
  readonly tensors = new Map<string, PGTensor>();
  readonly state: { input: string; output: string }[] = [];

  tensor(name: string, kind: TensorKind, bytes: number): string {
    this.tensors.set(name, { name, kind, bytes, consumers: [], isModelOutput: false });
    return name;
  }

  node(name: string, opType: string, inputs: string[], outputs: { name: string; bytes: number }[]): string[] {
    const index = this.nodes.length;
    for (const i of inputs) {
      const t = this.tensors.get(i);
      assert(t, `unknown tensor ${i}`);
      if (!t.consumers.includes(index)) t.consumers.push(index);
    }
    for (const o of outputs) {
      this.tensors.set(o.name, {
        name: o.name,
        kind: 'activation',
        bytes: o.bytes,
        producer: index,
        consumers: [],
        isModelOutput: false,
      });
    }
    this.nodes.push({ index, name, opType, inputs, outputs: outputs.map((o) => o.name), computeUnits: 1 });
    return outputs.map((o) => o.name);
  }

  markOutput(name: string): void {
    this.tensors.get(name)!.isModelOutput = true;
  }

  build(): PartitionGraph {
    return { nodes: this.nodes, tensors: this.tensors, state: this.state };
  }
}

export interface TransformerOptions {
  layers: number;
  hidden: number;
  seq: number;
  vocab: number;
  /** Bytes per element (2 for float16). */
  elementBytes: number;
  /** Add past/present KV-cache state bindings per layer. */
  kvCache: boolean;
  /** The LM head reads the embedding matrix (a weight shared by the first and last node). */
  tiedEmbedding: boolean;
}

const DEFAULT_TRANSFORMER: TransformerOptions = {
  layers: 24,
  hidden: 1024,
  seq: 128,
  vocab: 32000,
  elementBytes: 2,
  kvCache: true,
  tiedEmbedding: true,
};

/** Nodes per decoder layer in transformerGraph (the bench sizes layer counts with it). */
export const TRANSFORMER_NODES_PER_LAYER = 26;

/** A GPT-like decoder: embedding, `layers` × (attention + MLP with residuals), final norm, LM head. */
export function transformerGraph(opts: Partial<TransformerOptions> = {}): PartitionGraph {
  const o = { ...DEFAULT_TRANSFORMER, ...opts };
  const g = new GraphBuilder();
  const e = o.elementBytes;
  const act = o.seq * o.hidden * e;
  const ids = g.tensor('input_ids', 'model-input', o.seq * 8);
  const emb = g.tensor('embed.weight', 'weight', o.vocab * o.hidden * e);
  let [x] = g.node('embed', 'Gather', [emb, ids], [{ name: 'h0', bytes: act }]);
  for (let l = 0; l < o.layers; l++) {
    const w = (name: string, bytes: number) => g.tensor(`l${l}.${name}`, 'weight', bytes);
    const a = (name: string, bytes = act) => ({ name: `l${l}.${name}`, bytes });
    const [n1] = g.node(
      `l${l}.ln1`,
      'LayerNormalization',
      [x!, w('ln1.g', o.hidden * e), w('ln1.b', o.hidden * e)],
      [a('n1')],
    );
    const proj = (p: string) => {
      const [m] = g.node(
        `l${l}.${p}.matmul`,
        'MatMul',
        [n1!, w(`${p}.w`, o.hidden * o.hidden * e)],
        [a(`${p}m`)],
      );
      const [b] = g.node(`l${l}.${p}.bias`, 'Add', [m!, w(`${p}.b`, o.hidden * e)], [a(p)]);
      return b!;
    };
    const q = proj('q');
    let k: string = proj('k');
    let v: string = proj('v');
    if (o.kvCache) {
      const past = (kv: string) => g.tensor(`past_key_values.${l}.${kv}`, 'model-input', act);
      const pk = past('key');
      const pv = past('value');
      k = g.node(`l${l}.k.concat`, 'Concat', [pk, k], [{ name: `present.${l}.key`, bytes: 2 * act }])[0]!;
      v = g.node(`l${l}.v.concat`, 'Concat', [pv, v], [{ name: `present.${l}.value`, bytes: 2 * act }])[0]!;
      g.markOutput(k);
      g.markOutput(v);
      g.state.push({ input: pk, output: k }, { input: pv, output: v });
    } else {
      k = g.node(`l${l}.k.id`, 'Identity', [k], [a('kc')])[0]!;
      v = g.node(`l${l}.v.id`, 'Identity', [v], [a('vc')])[0]!;
    }
    const scores = o.seq * o.seq * 2 * e * 16;
    const [kt] = g.node(`l${l}.kt`, 'Transpose', [k], [a('kt', 2 * act)]);
    const [s] = g.node(`l${l}.qk`, 'MatMul', [q, kt!], [a('scores', scores)]);
    const [sc] = g.node(`l${l}.scale`, 'Mul', [s!], [a('scaled', scores)]);
    const [p] = g.node(`l${l}.softmax`, 'Softmax', [sc!], [a('probs', scores)]);
    const [ctx] = g.node(`l${l}.pv`, 'MatMul', [p!, v], [a('ctx')]);
    const [ctxT] = g.node(`l${l}.ctx.t`, 'Transpose', [ctx!], [a('ctxT')]);
    const [ctxR] = g.node(`l${l}.ctx.r`, 'Reshape', [ctxT!], [a('ctxR')]);
    const [ao] = g.node(`l${l}.o.matmul`, 'MatMul', [ctxR!, w('o.w', o.hidden * o.hidden * e)], [a('om')]);
    const [ab] = g.node(`l${l}.o.bias`, 'Add', [ao!, w('o.b', o.hidden * e)], [a('ob')]);
    const [r1] = g.node(`l${l}.res1`, 'Add', [x!, ab!], [a('r1')]);
    const [n2] = g.node(
      `l${l}.ln2`,
      'LayerNormalization',
      [r1!, w('ln2.g', o.hidden * e), w('ln2.b', o.hidden * e)],
      [a('n2')],
    );
    const [up] = g.node(
      `l${l}.up.matmul`,
      'MatMul',
      [n2!, w('up.w', 4 * o.hidden * o.hidden * e)],
      [a('upm', 4 * act)],
    );
    const [ub] = g.node(`l${l}.up.bias`, 'Add', [up!, w('up.b', 4 * o.hidden * e)], [a('upb', 4 * act)]);
    const [ge] = g.node(`l${l}.gelu`, 'Gelu', [ub!], [a('gelu', 4 * act)]);
    const [dn] = g.node(
      `l${l}.down.matmul`,
      'MatMul',
      [ge!, w('down.w', 4 * o.hidden * o.hidden * e)],
      [a('downm')],
    );
    const [db] = g.node(`l${l}.down.bias`, 'Add', [dn!, w('down.b', o.hidden * e)], [a('downb')]);
    [x] = g.node(`l${l}.res2`, 'Add', [r1!, db!], [a('out')]);
  }
  const [nf] = g.node(
    'ln_f',
    'LayerNormalization',
    [x!, g.tensor('ln_f.g', 'weight', o.hidden * e)],
    [{ name: 'hf', bytes: act }],
  );
  const head = o.tiedEmbedding ? emb : g.tensor('lm_head.weight', 'weight', o.vocab * o.hidden * e);
  const [logits] = g.node('lm_head', 'MatMul', [nf!, head], [{ name: 'logits', bytes: o.seq * o.vocab * e }]);
  g.markOutput(logits!);
  return g.build();
}

export interface RandomDagOptions {
  nodes: number;
  /** Probability that a node reads an extra earlier activation (multi-consumer tensors, diamonds). */
  extraEdge: number;
  /** Probability that a node reads one more model input. */
  modelInputRead: number;
  /** Number of weights; each node reads 0–2 of them (shared weights arise naturally). */
  weights: number;
  /** Number of state bindings (model input paired with a produced model output). */
  stateBindings: number;
  maxBytes: number;
}

/** A random DAG in topological order with multi-consumer tensors, shared weights and state pairs. */
export function randomDag(rand: () => number, opts: RandomDagOptions): PartitionGraph {
  const g = new GraphBuilder();
  const size = () => 1 + Math.floor(rand() * opts.maxBytes);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const inputs = [g.tensor('in0', 'model-input', size()), g.tensor('in1', 'model-input', size())];
  const weights = Array.from({ length: opts.weights }, (_, k) => g.tensor(`w${k}`, 'weight', size()));
  const stateIns = Array.from({ length: opts.stateBindings }, (_, k) =>
    g.tensor(`past${k}`, 'model-input', size()),
  );
  const made: string[] = [];
  // State binding s: node reader[s] reads past{s}; node writer[s] (same or up to 3 later) writes present{s}.
  const reader = stateIns.map(() => Math.floor(rand() * opts.nodes));
  const writer = reader.map((r) => Math.min(opts.nodes - 1, r + Math.floor(rand() * 4)));
  for (let v = 0; v < opts.nodes; v++) {
    const reads = new Set<string>();
    if (made.length > 0 && rand() < 0.85) reads.add(pick(made));
    if (made.length > 1 && rand() < opts.extraEdge) reads.add(pick(made));
    if (made.length === 0 || rand() < opts.modelInputRead) reads.add(pick(inputs));
    for (let k = Math.floor(rand() * 3); k > 0 && weights.length > 0; k--) reads.add(pick(weights));
    const outs = [{ name: `t${v}`, bytes: size() }];
    if (rand() < 0.15) outs.push({ name: `t${v}b`, bytes: size() });
    reader.forEach((r, s) => {
      if (r === v) reads.add(stateIns[s]!);
    });
    writer.forEach((w, s) => {
      if (w === v) outs.push({ name: `present${s}`, bytes: size() });
    });
    g.node(`n${v}`, pick(['MatMul', 'Add', 'Relu', 'Concat']), [...reads], outs);
    for (const o of outs) if (!o.name.startsWith('present')) made.push(o.name);
  }
  stateIns.forEach((input, s) => {
    g.markOutput(`present${s}`);
    g.state.push({ input, output: `present${s}` });
  });
  // Unread activations become model outputs (a real model has no dead nodes), plus the last one.
  for (const t of g.tensors.values())
    if (t.kind === 'activation' && t.consumers.length === 0) t.isModelOutput = true;
  return g.build();
}
