// The role a peer plays, from its config: one class per role, each in its own folder.
import type { NodeConfig } from '../peer/config.js';
import type { Logger } from '../peer/logger.js';
import { ClientRole } from './client/client-role.js';
import { OracleRole } from './oracle/oracle-role.js';
import type { PeerRole } from './role.js';
import { WorkerRole } from './worker/worker-role.js';

export type { PeerRole, RoleContext, RolePeer } from './role.js';
export { ClientRole, OracleRole, WorkerRole };

export function roleFor(config: Pick<NodeConfig, 'role' | 'acceptClients'>, logger: Logger): PeerRole {
  switch (config.role) {
    case 'worker':
      return new WorkerRole({
        log: (event, fields) => logger.info(event, fields),
        acceptClients: config.acceptClients,
      });
    case 'client':
      return new ClientRole();
    case 'oracle':
      return new OracleRole();
  }
}
