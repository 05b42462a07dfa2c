// Walking ONNX graphs with their If/Loop/Scan subgraphs, and finding the outer-scope tensors a
// subgraph reads (a node that owns a subgraph depends on them just as on its own inputs).
import type { GraphProto, NodeProto } from 'onnx-buf';

export function subgraphsOf(node: NodeProto): GraphProto[] {
  const out: GraphProto[] = [];
  for (const a of node.attribute) {
    if (a.g) out.push(a.g);
    out.push(...a.graphs);
  }
  return out;
}

/** Calls `visit` on `graph` and on every nested subgraph. */
export function forEachGraph(graph: GraphProto, visit: (g: GraphProto) => void): void {
  visit(graph);
  for (const node of graph.node) for (const sub of subgraphsOf(node)) forEachGraph(sub, visit);
}

/** Names a subgraph reads that it does not define itself (inputs, initializers, node outputs). */
function outerScopeReads(graph: GraphProto): Set<string> {
  const defined = new Set<string>([
    ...graph.input.map((i) => i.name),
    ...graph.initializer.map((t) => t.name),
  ]);
  const reads = new Set<string>();
  for (const node of graph.node) {
    for (const name of node.input) if (name && !defined.has(name)) reads.add(name);
    for (const sub of subgraphsOf(node))
      for (const name of outerScopeReads(sub)) if (!defined.has(name)) reads.add(name);
    for (const name of node.output) if (name) defined.add(name);
  }
  for (const o of graph.output) if (!defined.has(o.name)) reads.add(o.name);
  return reads;
}

/** Every tensor a node reads: its inputs plus what its subgraphs read from the enclosing scope. */
export function nodeReads(node: NodeProto): string[] {
  const reads = node.input.filter((n) => n !== '');
  const seen = new Set(reads);
  for (const sub of subgraphsOf(node)) {
    for (const name of outerScopeReads(sub)) {
      if (!seen.has(name)) {
        seen.add(name);
        reads.push(name);
      }
    }
  }
  return reads;
}
