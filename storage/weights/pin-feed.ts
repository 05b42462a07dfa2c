// Pinning while a DAG is being fetched. Helia pins by walking the DAG and writing one record per
// block, one after another: ~0.5-1 ms each here, so pinning 1 GiB after the fetch took as long as
// a sixth of the fetch. A PinFeed is a graph walker fed by the fetch instead: each block is
// recorded as soon as it is stored, while the next ones are on the wire, and the root is recorded
// last, after the fetch ended and every block was fed, so a fetch that fails leaves the root
// unpinned (the records of blocks already stored stay, and a later fetch of the root reuses them).
import type { GraphNode, GraphWalker, GraphWalkerComponents, WalkOptions } from 'helia';
import type { CID } from 'multiformats/cid';
import { WeightStoreError, WeightStoreErrorCode } from './errors.js';
import { LinksOnlyWalker, UnreadBlock } from './pin-walker.js';

interface Fed {
  cid: CID;
  /** Present before the fetch: its subtree is walked from the store. */
  present: boolean;
}

export class PinFeed {
  private readonly items: Fed[] = [];
  private wake: (() => void) | undefined;
  private ended = false;
  private failure: { error: unknown } | undefined;
  /** Settles when the pin is written, or with the error that stopped it. */
  done: Promise<void> = Promise.resolve();

  constructor(readonly root: CID) {}

  /** A block of the DAG the fetch verified and stored. */
  stored(cid: CID): void {
    this.push({ cid, present: false });
  }

  /** A block of the DAG the store already held, with everything below it. */
  present(cid: CID): void {
    this.push({ cid, present: true });
  }

  /** Every block was fed: record the root and write the pin. */
  end(): void {
    this.ended = true;
    this.wake?.();
  }

  /** The fetch failed: stop without recording the root. */
  fail(error: unknown): void {
    this.failure ??= { error };
    this.wake?.();
  }

  private push(item: Fed): void {
    this.items.push(item);
    this.wake?.();
  }

  /** The walker pins.add runs: yields what is fed, then the root. */
  walker(): (components: GraphWalkerComponents) => GraphWalker {
    return (components) => ({
      walk: <T>(root: CID, options?: WalkOptions<T>) => this.walk<T>(root, components, options ?? {}),
    });
  }

  private async *walk<T>(
    root: CID,
    components: GraphWalkerComponents,
    options: WalkOptions<T>,
  ): AsyncGenerator<GraphNode<T>> {
    const links = new LinksOnlyWalker(components);
    for (;;) {
      if (this.failure !== undefined) throw this.failure.error;
      const item = this.items.shift();
      if (item === undefined) {
        if (this.ended) break;
        await new Promise<void>((resolve) => {
          this.wake = resolve;
        });
        this.wake = undefined;
        continue;
      }
      if (item.cid.equals(root)) continue;
      if (item.present) yield* links.subtree<T>(item.cid, options);
      else yield { block: new UnreadBlock(item.cid), depth: 1, path: [root, item.cid] };
    }
    if (!(await components.blockstore.has(root, options))) {
      throw new WeightStoreError(WeightStoreErrorCode.MISSING_BLOCK, `block ${root} is not in this store`);
    }
    yield { block: new UnreadBlock(root), depth: 0, path: [root] };
  }
}
