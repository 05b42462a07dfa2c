// `splitup infer --bundle <dir|CID> --input name=x.npy ... --plan <file> --out <dir>`: starts the
// client role (the same peer `node start --role client` runs), assigns the bundle's tasks to the
// workers the plan names, streams the model inputs, and writes the model outputs as .npy.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { SplitUpError } from '../../errors.js';
import { generateIdentity } from '../../identity/identity.js';
import { readKeypairFile } from '../../identity/keypair-file.js';
import { defaultConfig, type NodeConfig } from '../../peer/config.js';
import { createLogger } from '../../peer/logger.js';
import { startPeer } from '../../peer/peer-runtime.js';
import { clientBundle } from '../../roles/client/client-bundle.js';
import { ClientRole } from '../../roles/client/client-role.js';
import { DEFAULT_INFERENCE_TIMEOUT_MS } from '../../roles/client/inference-client.js';
import { readPlacementFile } from '../../scheduling/placement.js';
import type { CliIo, Command } from '../command.js';
import { CliErrorCode } from '../errors.js';
import { parseCliArgs } from '../parse-args.js';
import { parseNamedFiles, readNamedNpy, writeNamedNpy } from '../tensor-files.js';

const usage = `Usage: splitup infer --bundle <dir|CID> --input name=file.npy ... --plan <file> --out <dir>
                     [--bootstrap <multiaddr>] [--data-dir <dir>] [--keypair <file>]
                     [--listen <multiaddr>] [--timeout <seconds>] [--json]

Runs one inference across worker peers. The plan (JSON, schema "splitup.plan/1") names the peer
of every task and where it listens: {"schema":"splitup.plan/1","assignments":[{"task":"task-00",
"peer":"12D3…","addrs":["/ip4/127.0.0.1/tcp/4001"]}, …]}.
  --bundle <dir|CID>     the task bundle: a folder, or the bundle CID that deploy --publish printed
                         (only the manifest is read: the workers hold the weights)
  --input name=file.npy  a model input (repeat for each)
  --plan <file>          which peer runs which task
  --out <dir>            where to write one <output>.npy per model output
  --bootstrap <multiaddr> a peer of the network, to find the manifest of a bundle CID (repeatable)
  --data-dir <dir>       where the client keeps what it fetches (default: a temporary folder,
                         removed afterwards)
  --keypair <file>       client identity (Solana CLI keypair file); a fresh one when omitted
  --listen <multiaddr>   where workers reach this client (default /ip4/127.0.0.1/tcp/0)
  --timeout <seconds>    give up after this long (default ${DEFAULT_INFERENCE_TIMEOUT_MS / 1000})
  --json                 print the result as JSON`;

function badArgs(message: string): SplitUpError {
  return new SplitUpError(CliErrorCode.BAD_ARGS, `${message}\n\n${usage}`);
}

function parseInferArgs(args: string[]) {
  const parsed = parseCliArgs(
    {
      args,
      strict: true,
      options: {
        bundle: { type: 'string' },
        input: { type: 'string', multiple: true },
        plan: { type: 'string' },
        out: { type: 'string' },
        bootstrap: { type: 'string', multiple: true },
        'data-dir': { type: 'string' },
        keypair: { type: 'string' },
        listen: { type: 'string' },
        timeout: { type: 'string' },
        json: { type: 'boolean' },
      },
    },
    usage,
  );
  const v = parsed.values;
  if (!v.bundle) throw badArgs('--bundle <dir|CID> is required');
  if (!v.plan) throw badArgs('--plan <file> is required');
  if (!v.out) throw badArgs('--out <dir> is required');
  let timeoutMs = DEFAULT_INFERENCE_TIMEOUT_MS;
  if (v.timeout !== undefined) {
    const seconds = Number(v.timeout);
    if (!Number.isFinite(seconds) || seconds <= 0)
      throw badArgs(`--timeout '${v.timeout}' must be seconds > 0`);
    timeoutMs = Math.round(seconds * 1000);
  }
  return {
    bundle: v.bundle,
    inputs: parseNamedFiles(v.input ?? [], '--input', usage),
    plan: v.plan,
    out: v.out,
    bootstrap: v.bootstrap ?? [],
    dataDir: v['data-dir'],
    keypair: v.keypair,
    listen: v.listen,
    timeoutMs,
    json: v.json === true,
  };
}

export const inferCommand: Command = {
  path: ['infer'],
  usage,
  async run(args: string[], io: CliIo): Promise<number> {
    const opts = parseInferArgs(args);
    const inputs = await readNamedNpy(opts.inputs);
    const identity = opts.keypair ? await readKeypairFile(opts.keypair) : await generateIdentity();
    // A folder of our own making is the only kind we remove afterwards.
    const tempDir = opts.dataDir === undefined ? await mkdtemp(join(tmpdir(), 'splitup-infer-')) : undefined;
    const config: NodeConfig = {
      ...defaultConfig(),
      role: 'client',
      dataDir: resolve(opts.dataDir ?? tempDir!),
      bootstrap: opts.bootstrap,
      ...(opts.listen ? { listen: [opts.listen] } : {}),
      // One inference: no Prometheus endpoint, no direct weight server.
      blocksDirect: 'off',
    };
    const logger = createLogger({ format: 'human', level: 'warn', write: io.err });
    try {
      const running = await startPeer(config, logger, { role: new ClientRole(), identity });
      try {
        const { manifest, bundleId } = await clientBundle(
          opts.bundle,
          { store: running.store, blocks: running.node.services.blocks, dataDir: config.dataDir },
          { warn: (event, fields) => logger.warn(event, fields), deadlineMs: opts.timeoutMs },
        );
        const plan = readPlacementFile(opts.plan, manifest);
        const result = await running.role.client.infer({
          manifest,
          bundleId,
          plan,
          inputs,
          timeoutMs: opts.timeoutMs,
        });
        const written = await writeNamedNpy(opts.out, result.outputs);
        if (opts.json) {
          io.out(
            JSON.stringify(
              { executionId: result.executionId, elapsedMs: result.elapsedMs, outputs: written },
              null,
              2,
            ),
          );
        } else {
          io.out(
            `execution ${result.executionId}: ${plan.assignments.length} tasks in ${result.elapsedMs.toFixed(1)} ms`,
          );
          for (const [name, o] of Object.entries(written))
            io.out(
              `  ${name}: ${o.dtype}[${o.shape.join(', ')}] -> ${o.file}  sha256 ${o.sha256.slice(0, 16)}…`,
            );
        }
        return 0;
      } finally {
        await running.stop();
      }
    } finally {
      if (tempDir !== undefined) await rm(tempDir, { recursive: true, force: true });
    }
  },
};
