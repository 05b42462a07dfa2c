// The client role: a light peer that submits inferences. It publishes no heartbeats and accepts
// tensors only as the model outputs of its own executions.
import type { LocalStatus } from '../../../protocols/heartbeat/index.js';
import type { PeerRole, RolePeer } from '../role.js';
import { InferenceClient } from './inference-client.js';

export class ClientRole implements PeerRole {
  readonly name = 'client';
  readonly publishesHeartbeats = false;
  readonly tracksLiveness = false;
  readonly announcesCommittee = false;
  readonly client = new InferenceClient();

  readonly onReport: NonNullable<PeerRole['onReport']> = (msg, from) => this.client.onReport(msg, from);

  localStatus(): LocalStatus {
    return { status: 'ready', freeVramBytes: 0n, tasks: [] };
  }

  attach(node: RolePeer): void {
    this.client.attach(node);
  }

  async start(): Promise<void> {}

  async stop(): Promise<void> {}
}
