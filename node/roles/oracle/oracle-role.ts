// The oracle role: a committee member. Today it announces itself on the DHT and tracks every
// node's liveness from their signed heartbeats; certified liveness rounds, node selection and
// Proof of Sampling (the committee issue) are built here next.
import { freemem } from 'node:os';
import type { LocalStatus } from '../../../protocols/heartbeat/index.js';
import type { StatusChange } from '../../../protocols/heartbeat/liveness-tracker.js';
import type { PeerRole, RoleContext } from '../role.js';

export class OracleRole implements PeerRole {
  readonly name = 'oracle';
  readonly publishesHeartbeats = true;
  readonly tracksLiveness = true;
  readonly announcesCommittee = true;
  #detach: (() => void) | undefined;

  localStatus(): LocalStatus {
    return { status: 'ready', freeVramBytes: BigInt(freemem()), tasks: [] };
  }

  attach(): void {}

  async start(ctx: RoleContext): Promise<void> {
    const liveness = ctx.node.services.heartbeat.liveness;
    const onChange = (e: CustomEvent<StatusChange>) =>
      ctx.logger.info('liveness.changed', {
        peer: e.detail.peerId,
        from: e.detail.previous,
        to: e.detail.status,
      });
    liveness.addEventListener('status-change', onChange);
    this.#detach = () => liveness.removeEventListener('status-change', onChange);
  }

  async stop(): Promise<void> {
    this.#detach?.();
    this.#detach = undefined;
  }
}
