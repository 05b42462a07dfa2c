// The oracle role: a committee member. It announces itself on the DHT, tracks every node's
// liveness from their signed heartbeats and, given its committee (--committee), runs the certified
// liveness rounds with the other members. Node selection and Proof of Sampling build on the tables
// these rounds certify.
import { freemem } from 'node:os';
import { peerIdFromString } from '@libp2p/peer-id';
import { networkIdOf } from '../../../protocols/committee/round/network-id.js';
import { type CertifiedRound, LivenessRounds } from '../../../protocols/committee/round/service.js';
import type { LocalStatus } from '../../../protocols/heartbeat/index.js';
import type { StatusChange } from '../../../protocols/heartbeat/liveness-tracker.js';
import type { PeerRole, RoleContext } from '../role.js';

export class OracleRole implements PeerRole {
  readonly name = 'oracle';
  readonly publishesHeartbeats = true;
  readonly tracksLiveness = true;
  readonly announcesCommittee = true;
  #detach: (() => void) | undefined;
  #rounds: LivenessRounds | undefined;

  localStatus(): LocalStatus {
    return { status: 'ready', freeVramBytes: BigInt(freemem()), tasks: [] };
  }

  attach(): void {}

  /** The latest table the committee certified, once rounds run. */
  get lastCertified(): CertifiedRound | undefined {
    return this.#rounds?.lastCertified;
  }

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
    await this.#startRounds(ctx);
  }

  async #startRounds(ctx: RoleContext): Promise<void> {
    const { config, logger } = ctx;
    if (config.committee.length === 0) {
      logger.warn('liveness.no_committee', {
        hint: 'pass --committee <PeerId,...> (every member, this oracle included) to run certified liveness rounds',
      });
      return;
    }
    const self = ctx.identity.peerId.toString();
    if (!config.committee.includes(self)) {
      logger.warn('liveness.not_a_member', { peerId: self, committee: config.committee.length });
      return;
    }
    const rounds = new LivenessRounds(ctx.node, {
      networkId: networkIdOf(config.network),
      committee: config.committee.map((p) => peerIdFromString(p).publicKey!.raw),
      privateKey: ctx.identity.privateKey,
      intervalMs: config.heartbeatIntervalMs,
      heartbeats: ctx.node.services.heartbeat,
    });
    rounds.addEventListener('certified', (e) => {
      const { round, certificate, table } = e.detail;
      logger.info('liveness.certified', {
        round: Number(round),
        root: Buffer.from(certificate.tableRoot).toString('hex'),
        votes: certificate.votes.length,
        tasks: certificate.taskCount,
        nodes: table?.heartbeats.size,
      });
    });
    rounds.addEventListener('uncertified', (e) =>
      logger.info('liveness.uncertified', { round: Number(e.detail.round) }),
    );
    rounds.addEventListener('invalid', (e) =>
      logger.debug('liveness.refused', { code: e.detail.code, from: e.detail.from.toString() }),
    );
    await rounds.start();
    this.#rounds = rounds;
    logger.info('liveness.rounds', {
      committee: config.committee.length,
      intervalMs: config.heartbeatIntervalMs,
    });
  }

  async stop(): Promise<void> {
    await this.#rounds?.stop();
    this.#rounds = undefined;
    this.#detach?.();
    this.#detach = undefined;
  }
}
