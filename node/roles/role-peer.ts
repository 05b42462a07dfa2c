// libp2p peers for the roles that move tensors: a worker (runs tasks) and a client (submits
// inferences). Both add the tensor stream and the execution control protocol to the base peer.
import type { PrivateKey } from '@libp2p/interface';
import { executionControl } from '../../protocols/execution/index.js';
import { tensorStream } from '../../protocols/tensor-stream/index.js';
import { type CreatePeerOptions, createPeer, type SplitUpPeer } from '../peer/create-peer.js';
import type { ClientServices, InferenceClient } from './client/inference-client.js';
import type { WorkerExecutor, WorkerServices } from './worker/worker-executor.js';

export type RolePeerOptions = Omit<CreatePeerOptions, 'services' | 'privateKey'> & { privateKey: PrivateKey };

export async function createWorkerPeer(
  options: RolePeerOptions,
  executor: WorkerExecutor,
): Promise<SplitUpPeer<WorkerServices>> {
  const node = await createPeer<WorkerServices>({
    ...options,
    services: {
      tensorStream: tensorStream({ interfaceFor: executor.interfaceFor }),
      execution: executionControl({ onAssign: executor.onAssign }),
    },
  });
  executor.attach(node);
  return node;
}

export async function createClientPeer(
  options: RolePeerOptions,
  client: InferenceClient,
): Promise<SplitUpPeer<ClientServices>> {
  const node = await createPeer<ClientServices>({
    ...options,
    services: {
      tensorStream: tensorStream({ interfaceFor: client.interfaceFor }),
      execution: executionControl({ onReport: client.onReport }),
    },
  });
  client.attach(node);
  return node;
}
