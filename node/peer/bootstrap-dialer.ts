// Keeps this node connected to its bootstrap peers: dials each one, retries with capped
// exponential backoff while it is unreachable, and re-dials when its connection drops.
// These are the only peers a SplitUp node dials on its own.
import type { Libp2p, PeerId } from '@libp2p/interface';
import { type Multiaddr, multiaddr } from '@multiformats/multiaddr';
import { BOOTSTRAP_DIAL_TIMEOUT_MS, BOOTSTRAP_RETRY_MAX_MS, BOOTSTRAP_RETRY_MIN_MS } from './constants.js';
import type { Logger } from './logger.js';

export class BootstrapDialer {
  private readonly node: Libp2p;
  private readonly targets: Multiaddr[];
  private readonly logger: Logger;
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  /** Bootstrap index → PeerId string of its live connection. */
  private readonly connected = new Map<number, string>();
  private running = false;
  private readonly onDisconnect = (evt: CustomEvent<PeerId>) => {
    const peer = evt.detail.toString();
    for (const [index, connectedPeer] of this.connected) {
      if (connectedPeer !== peer) continue;
      this.connected.delete(index);
      this.logger.warn('bootstrap.disconnected', { addr: this.targets[index]!.toString(), peer });
      this.schedule(index, BOOTSTRAP_RETRY_MIN_MS, BOOTSTRAP_RETRY_MIN_MS);
    }
  };

  constructor(node: Libp2p, bootstrap: string[], logger: Logger) {
    this.node = node;
    this.targets = bootstrap.map((a) => multiaddr(a));
    this.logger = logger;
  }

  start(): void {
    this.running = true;
    this.node.addEventListener('peer:disconnect', this.onDisconnect);
    for (let index = 0; index < this.targets.length; index++) this.schedule(index, 0, BOOTSTRAP_RETRY_MIN_MS);
  }

  stop(): void {
    this.running = false;
    this.node.removeEventListener('peer:disconnect', this.onDisconnect);
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  private schedule(index: number, delayMs: number, nextDelayMs: number): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void this.dial(index, nextDelayMs);
    }, delayMs);
    this.timers.add(timer);
  }

  private async dial(index: number, backoffMs: number): Promise<void> {
    if (!this.running || this.connected.has(index)) return;
    const addr = this.targets[index]!;
    try {
      const connection = await this.node.dial(addr, {
        signal: AbortSignal.timeout(BOOTSTRAP_DIAL_TIMEOUT_MS),
      });
      this.connected.set(index, connection.remotePeer.toString());
      this.logger.info('bootstrap.connected', {
        addr: addr.toString(),
        peer: connection.remotePeer.toString(),
      });
    } catch (err) {
      if (!this.running) return;
      this.logger.debug('bootstrap.dial_failed', { addr: addr.toString(), error: err, retryInMs: backoffMs });
      this.schedule(index, backoffMs, Math.min(backoffMs * 2, BOOTSTRAP_RETRY_MAX_MS));
    }
  }
}
