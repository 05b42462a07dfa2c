// The graph walker the weight store pins with. Pinning only needs the CID of every block of the DAG
// (Helia records each block as pinned by the root), but Helia's walkers read every block, 1 MiB
// raw leaves included, just to learn that a leaf has no links: pinning 1 GiB read 1 GiB back from
// disk. This walker reads only nodes whose codec can link (dag-pb, dag-cbor, ...) and checks that
// each raw leaf is present, so a pin still fails on an incomplete DAG.
import type { GraphNode, GraphWalker, GraphWalkerComponents, GraphWalkerFactory, WalkOptions } from 'helia';
import { createUnsafe } from 'multiformats/block';
import type { BlockView } from 'multiformats/block/interface';
import type { CID } from 'multiformats/cid';
import * as raw from 'multiformats/codecs/raw';
import { WeightStoreError, WeightStoreErrorCode } from './errors.js';

/** Leaves whose presence is checked at once. */
const LEAF_CHECK_CONCURRENCY = 64;

/** A block the walker did not read (a raw leaf, or one just stored): its CID is all pinning uses. */
export class UnreadBlock implements BlockView<unknown, number, number, 0 | 1> {
  constructor(readonly cid: CID<unknown, number, number, 0 | 1>) {}
  get bytes(): never {
    throw new WeightStoreError(
      WeightStoreErrorCode.MISSING_BLOCK,
      `the pin walker did not read block ${this.cid}`,
    );
  }
  get value(): never {
    return this.bytes;
  }
  links(): Iterable<[string, CID]> {
    return [];
  }
  tree(): Iterable<string> {
    return [];
  }
  get(): never {
    return this.bytes;
  }
}

interface Pending {
  cid: CID;
  depth: number;
  path: CID[];
}

export class LinksOnlyWalker implements GraphWalker {
  constructor(private readonly components: GraphWalkerComponents) {}

  async *walk<T = unknown>(root: CID, options: WalkOptions<T> = {}): AsyncGenerator<GraphNode<T>> {
    yield* this.visit(
      { cid: root, depth: 0, path: [root] },
      options.depth ?? Number.POSITIVE_INFINITY,
      options,
    );
  }

  /** Every block of the DAG under `cid`, `cid` itself last. */
  subtree<T>(cid: CID, options: WalkOptions<T> = {}): AsyncGenerator<GraphNode<T>> {
    return this.visit({ cid, depth: 0, path: [cid] }, Number.POSITIVE_INFINITY, options);
  }

  /**
   * Post-order: a node comes after everything below it, so the root is recorded as pinned only
   * once every block of the DAG was found (a pin that fails half way leaves the root unpinned).
   */
  private async *visit<T>(
    node: Pending,
    maxDepth: number,
    options: WalkOptions<T>,
  ): AsyncGenerator<GraphNode<T>> {
    options.signal?.throwIfAborted();
    const block = (await this.read(node.cid, options)) as BlockView<T, number, number, 0 | 1>;
    if (node.depth < maxDepth) {
      const children: Pending[] = [];
      for (const [, child] of block.links()) {
        if (options.includeChild?.(child, block) === false) continue;
        children.push({ cid: child, depth: node.depth + 1, path: [...node.path, child] });
      }
      yield* this.leaves(children, options);
      for (const child of children)
        if (child.cid.code !== raw.code) yield* this.visit(child, maxDepth, options);
    }
    yield { block, depth: node.depth, path: node.path };
  }

  /** Yields the raw leaves among `children`, checking their presence concurrently. */
  private async *leaves<T>(children: Pending[], options: WalkOptions<T>): AsyncGenerator<GraphNode<T>> {
    const leaves = children.filter((c) => c.cid.code === raw.code);
    for (let at = 0; at < leaves.length; at += LEAF_CHECK_CONCURRENCY) {
      const group = leaves.slice(at, at + LEAF_CHECK_CONCURRENCY);
      const present = await Promise.all(group.map((l) => this.components.blockstore.has(l.cid, options)));
      for (let i = 0; i < group.length; i++) {
        const leaf = group[i]!;
        if (!present[i]) {
          throw new WeightStoreError(
            WeightStoreErrorCode.MISSING_BLOCK,
            `block ${leaf.cid} is not in this store`,
          );
        }
        yield { block: new UnreadBlock(leaf.cid), depth: leaf.depth, path: leaf.path };
      }
    }
  }

  private async read(
    cid: CID,
    options: WalkOptions<unknown>,
  ): Promise<BlockView<unknown, number, number, 0 | 1>> {
    if (cid.code === raw.code) {
      // Only a raw root gets here: check it is present, without reading it.
      if (!(await this.components.blockstore.has(cid, options))) {
        throw new WeightStoreError(WeightStoreErrorCode.MISSING_BLOCK, `block ${cid} is not in this store`);
      }
      return new UnreadBlock(cid);
    }
    const parts: Uint8Array[] = [];
    for await (const part of this.components.blockstore.get(cid, {
      ...options,
      offline: true,
    } as WalkOptions<unknown>))
      parts.push(part);
    const bytes = parts.length === 1 ? parts[0]! : Buffer.concat(parts);
    return createUnsafe({ cid, bytes, codec: await this.components.getCodec(cid.code) });
  }
}

export function linksOnlyWalker(): GraphWalkerFactory {
  return (components) => new LinksOnlyWalker(components);
}
