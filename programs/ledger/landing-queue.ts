// Transactions accepted over RPC wait here until they land: a validator answers sendTransaction
// (after preflight) before the transaction is processed, so a client that subscribes right after
// the answer still sees the notification. Each entry lands once its delay has passed, in arrival
// order (Node runs timers of equal duration first in, first out).
export class LandingQueue<T> {
  readonly #pending = new Map<string, { item: T; timer: NodeJS.Timeout }>();

  constructor(
    private readonly delayMs: number,
    private readonly land: (item: T) => void,
  ) {}

  has(signature: string): boolean {
    return this.#pending.has(signature);
  }

  get size(): number {
    return this.#pending.size;
  }

  add(signature: string, item: T): void {
    if (this.#pending.has(signature)) return;
    const timer = setTimeout(() => {
      this.#pending.delete(signature);
      this.land(item);
    }, this.delayMs);
    this.#pending.set(signature, { item, timer });
  }

  /** Lands everything still waiting, now (shutdown keeps what clients were told was accepted). */
  flush(): void {
    for (const [signature, { item, timer }] of this.#pending) {
      clearTimeout(timer);
      this.#pending.delete(signature);
      this.land(item);
    }
  }

  clear(): void {
    for (const { timer } of this.#pending.values()) clearTimeout(timer);
    this.#pending.clear();
  }
}
