// onnxruntime 1.30, saving an optimized model with external initializers, writes each initializer
// of an If/Loop subgraph twice (once inline, once external) and then refuses to load its own file
// ("initializer name is not unique"). Both copies hold the same bytes: keep the first of each name.
import type { GraphProto } from 'onnx-buf';
import { forEachGraph } from './graph-walk.js';

/** Removes repeated initializer names in `graph` and its subgraphs, in place; returns how many went. */
export function dedupeInitializers(graph: GraphProto): number {
  let removed = 0;
  forEachGraph(graph, (g) => {
    const seen = new Set<string>();
    const before = g.initializer.length;
    g.initializer = g.initializer.filter((t) => {
      if (seen.has(t.name)) return false;
      seen.add(t.name);
      return true;
    });
    removed += before - g.initializer.length;
  });
  return removed;
}
