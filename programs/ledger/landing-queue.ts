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

  add(signature: string, item: T): void {
    if (this.#pending.has(signature)) return;
    const timer = setTimeout(() => {
      this.#pending.delete(signature);
      this.land(item);
    }, this.delayMs);
    this.#pending.set(signature, { item, timer });
  }

  /** Forgets what is waiting (shutdown: the chain is in memory only). */
  clear(): void {
    for (const { timer } of this.#pending.values()) clearTimeout(timer);
    this.#pending.clear();
  }
}
