// Role peers for tests, built by the one runtime the binary uses (node/peer/peer-runtime.ts), on
// loopback with a fresh data dir, quiet logs, no bootstrap and no direct channels unless asked.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultConfig, type NodeConfig } from '../../node/peer/config.js';
import { createLogger } from '../../node/peer/logger.js';
import { type RunningPeer, startPeer } from '../../node/peer/peer-runtime.js';
import type { PeerRole } from '../../node/roles/index.js';

export async function startRolePeer<R extends PeerRole>(
  role: R,
  extra: Partial<NodeConfig> = {},
): Promise<RunningPeer<R>> {
  const config: NodeConfig = {
    ...defaultConfig(),
    role: role.name,
    dataDir: await mkdtemp(join(tmpdir(), `splitup-${role.name}-`)),
    listen: ['/ip4/127.0.0.1/tcp/0'],
    blocksDirect: 'off',
    tensorDirect: 'off',
    ...extra,
  };
  const logger = createLogger({ format: 'json', level: 'error', write: () => undefined });
  return startPeer(config, logger, { role });
}
