// The worker role: serves the tasks it specializes in. At start it fetches and loads their
// weights; then it accepts assignments, receives inputs, runs, and streams outputs on.
import type { LocalStatus } from '../../../protocols/heartbeat/index.js';
import { hardwareClass } from '../../engine/hardware-class.js';
import type { PeerRole, RoleContext, RolePeer } from '../role.js';
import { freeDeviceMemoryBytes } from './device-memory.js';
import { startWorkerTasks } from './start-worker.js';
import { WorkerExecutor } from './worker-executor.js';

export class WorkerRole implements PeerRole {
  readonly name = 'worker';
  readonly publishesHeartbeats = true;
  readonly tracksLiveness = false;
  readonly announcesCommittee = false;
  readonly executor: WorkerExecutor;
  #stopping = false;

  /** `executor`: a worker whose tasks are already loaded (tests, embedders); else one is made. */
  constructor(opts: {
    executor?: WorkerExecutor;
    log?: (event: string, fields: Record<string, unknown>) => void;
    /** PeerId strings of the only clients whose assignments are accepted (--accept-clients). */
    acceptClients?: readonly string[];
  }) {
    this.executor =
      opts.executor ??
      new WorkerExecutor({
        ...(opts.log === undefined ? {} : { log: opts.log }),
        ...(opts.acceptClients === undefined ? {} : { acceptClients: opts.acceptClients }),
      });
  }

  readonly onAssign: NonNullable<PeerRole['onAssign']> = (msg, from) => this.executor.onAssign(msg, from);

  /** Heartbeats list only tasks whose sessions are loaded, so nobody assigns work too early. */
  readonly #hardwareClass = hardwareClass();

  localStatus(): LocalStatus {
    const tasks = this.executor.loadedTasks;
    const busy = tasks.length > 0 && this.executor.activeInstances >= tasks.length;
    return {
      status: this.#stopping ? 'draining' : busy ? 'busy' : 'ready',
      freeVramBytes: freeDeviceMemoryBytes(),
      tasks,
      hardwareClass: this.#hardwareClass,
    };
  }

  attach(node: RolePeer): void {
    this.executor.attach(node);
  }

  async start(ctx: RoleContext): Promise<void> {
    const { config, node, logger } = ctx;
    if (config.bundle === undefined) return;
    const log = (event: string, fields: Record<string, unknown>) => logger.info(event, fields);
    const { bundleId } = await startWorkerTasks({
      bundle: config.bundle,
      tasks: config.tasks,
      dataDir: config.dataDir,
      ...(config.threads === undefined ? {} : { threads: config.threads }),
      store: ctx.store,
      blocks: node.services.blocks,
      executor: this.executor,
      log,
      warn: (event, fields) => logger.warn(event, fields),
      signal: ctx.signal,
    });
    logger.info('worker.ready', {
      peerId: node.peerId.toString(),
      bundleId,
      tasks: this.executor.loadedTasks,
      listen: node.getMultiaddrs().map(String),
    });
    void node.services.heartbeat.publishNow().catch(() => undefined);
  }

  async stop(): Promise<void> {
    this.#stopping = true;
    await this.executor.close();
  }
}
