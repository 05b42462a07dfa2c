// The connections of a manifest, indexed once: what feeds each task (or model output) and where
// each task's outputs (or each model input) go. Built only from a manifest that passed the DAG
// rules (node/model/dag), so every endpoint exists and every sink has exactly one source; the
// engine's schedule and the roles' routes read it instead of scanning the connection list.
import {
  type BundleManifest,
  type Connection,
  MODEL_ENDPOINT,
  type TensorRef,
} from '../../../storage/bundle/manifest.js';

/** Key of an endpoint: `task\0tensor` (task may be MODEL_ENDPOINT). */
export type EndpointKey = string;

export function endpointKey(ref: TensorRef): EndpointKey {
  return `${ref.task}\0${ref.tensor}`;
}

const NONE: readonly Connection[] = Object.freeze([]);

export class BundleWiring {
  readonly #into = new Map<string, Connection[]>();
  readonly #outOf = new Map<string, Connection[]>();
  readonly #source = new Map<EndpointKey, TensorRef>();
  readonly #readers = new Map<EndpointKey, number>();

  constructor(manifest: Pick<BundleManifest, 'connections'>) {
    for (const c of manifest.connections) {
      push(this.#into, c.to.task, c);
      push(this.#outOf, c.from.task, c);
      this.#source.set(endpointKey(c.to), c.from);
      this.#readers.set(endpointKey(c.from), (this.#readers.get(endpointKey(c.from)) ?? 0) + 1);
    }
  }

  /**
   * Connections that end at `task`'s inputs, in manifest order. into(MODEL_ENDPOINT) are the
   * connections that deliver the model outputs.
   */
  into(task: string): readonly Connection[] {
    return this.#into.get(task) ?? NONE;
  }

  /**
   * Connections that start at `task`'s outputs, in manifest order. outOf(MODEL_ENDPOINT) are the
   * readers of the model inputs.
   */
  outOf(task: string): readonly Connection[] {
    return this.#outOf.get(task) ?? NONE;
  }

  /** The one source of a sink (a task input or a model output); undefined when nothing feeds it. */
  sourceOf(sink: TensorRef): TensorRef | undefined {
    return this.#source.get(endpointKey(sink));
  }

  /** How many sinks read a source (a task output or a model input). */
  readerCount(source: TensorRef): number {
    return this.#readers.get(endpointKey(source)) ?? 0;
  }

  /** Tasks whose outputs `task` reads (itself and the model excluded). */
  producersOf(task: string): Set<string> {
    const out = new Set<string>();
    for (const c of this.into(task))
      if (c.from.task !== MODEL_ENDPOINT && c.from.task !== task) out.add(c.from.task);
    return out;
  }
}

function push(map: Map<string, Connection[]>, key: string, c: Connection): void {
  const list = map.get(key);
  if (list) list.push(c);
  else map.set(key, [c]);
}
