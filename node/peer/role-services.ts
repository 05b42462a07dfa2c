// The services the runtime adds to every role's libp2p node (base services: create-peer.ts).
import type { Blocks } from '../../protocols/blocks/index.js';
import type { Committee } from '../../protocols/committee/index.js';
import type { ExecutionControl } from '../../protocols/execution/index.js';
import type { Heartbeat } from '../../protocols/heartbeat/index.js';
import type { TensorStream } from '../../protocols/tensor-stream/index.js';

export type RoleServices = {
  heartbeat: Heartbeat;
  committee: Committee;
  /** Serves (and fetches) weight blocks from this peer's store. */
  blocks: Blocks;
  tensorStream: TensorStream;
  execution: ExecutionControl;
};
