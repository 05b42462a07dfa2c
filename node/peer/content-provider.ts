// Announces over the DHT every DAG this peer holds pinned (published or fetched weights), and
// renews the announcements before their provider records expire.
import type { CID } from 'multiformats/cid';
import type { Logger } from './logger.js';

interface ProvidingNode {
  services: { blocks: { provide(root: CID): Promise<void> } };
}

interface PinnedStore {
  pinnedRoots(): Promise<CID[]>;
}

export class ContentProvider {
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;

  constructor(
    private readonly node: ProvidingNode,
    private readonly store: PinnedStore,
    private readonly intervalMs: number,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.#tick();
    this.#timer = setInterval(() => this.#tick(), this.intervalMs);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  /** Announces now (also used right after new content was pinned). */
  provideNow(): Promise<void> {
    this.#running ??= this.#provideAll().finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  #tick(): void {
    void this.provideNow();
  }

  async #provideAll(): Promise<void> {
    let roots: Awaited<ReturnType<PinnedStore['pinnedRoots']>>;
    try {
      roots = await this.store.pinnedRoots();
    } catch {
      return; // the store is closing
    }
    for (const root of roots) {
      try {
        await this.node.services.blocks.provide(root);
      } catch (err) {
        this.logger.debug('content.provide_failed', { cid: root.toString(), error: (err as Error).message });
      }
    }
    if (roots.length > 0) this.logger.debug('content.provided', { roots: roots.length });
  }
}
