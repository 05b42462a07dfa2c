// `splitup node start`: runs a peer for one role until SIGINT/SIGTERM, then stops it cleanly.
import { SplitUpError } from '../../errors.js';
import { loadNodeConfig, optionsHelp } from '../../peer/config.js';
import { createLogger } from '../../peer/logger.js';
import { startPeer } from '../../peer/peer-runtime.js';
import type { Command } from '../command.js';
import { CliErrorCode } from '../errors.js';

/** A second signal during shutdown exits at once with this code. */
const FORCED_EXIT_CODE = 130;

const usage = `Usage: splitup node start --role worker|oracle|client [options]

Starts a peer: libp2p on TCP (noise, yamux, identify, ping, private kad-dht, gossipsub), signed
heartbeats (worker, oracle), liveness tracking and committee announce (oracle), committee
listing (all). Every peer serves the weights pinned in its store and announces them on the DHT.
A worker given --bundle (folder or manifest CID) and --tasks fetches those tasks' files by CID
from providers found over the DHT, verifies and loads them, logs worker.ready, and then runs the
task instances clients assign to it. Dials only the given bootstrap peers. Stops cleanly on
SIGINT/SIGTERM.

Options (flag, environment variable; precedence: flag > environment > config file > default):
  --config <file>                  SPLITUP_CONFIG                  JSON file with the option keys below
${optionsHelp()}

--listen and --bootstrap may be repeated (environment: comma-separated).`;

export const nodeStartCommand: Command = {
  path: ['node', 'start'],
  usage,
  async run(args, io) {
    let config: Awaited<ReturnType<typeof loadNodeConfig>>;
    try {
      config = await loadNodeConfig(args);
    } catch (err) {
      if (err instanceof SplitUpError && err.code === CliErrorCode.BAD_ARGS) {
        throw new SplitUpError(err.code, `${err.message}\n\n${usage}`);
      }
      throw err;
    }
    const logger = createLogger({ format: config.logFormat, level: config.logLevel, write: io.out });
    // Signals count from the first moment: a worker still fetching its weights stops cleanly too.
    const stopRequested = new AbortController();
    const signalled = new Promise<NodeJS.Signals>((resolve) => {
      const onSignal = (sig: NodeJS.Signals) => {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
        stopRequested.abort(sig);
        resolve(sig);
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
    });
    const force = () => process.exit(FORCED_EXIT_CODE);
    let running: Awaited<ReturnType<typeof startPeer>>;
    try {
      running = await startPeer(config, logger, { signal: stopRequested.signal });
    } catch (err) {
      if (!stopRequested.signal.aborted) throw err;
      logger.info('node.stopped', { signal: stopRequested.signal.reason, during: 'start' });
      return 0;
    }
    const signal = await signalled;
    logger.info('node.stopping', { signal });
    process.once('SIGINT', force);
    process.once('SIGTERM', force);
    await running.stop();
    process.off('SIGINT', force);
    process.off('SIGTERM', force);
    return 0;
  },
};
