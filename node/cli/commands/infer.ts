// `splitup infer --bundle <dir> --input name=x.npy ... --plan <file> --out <dir>`: a light client
// peer that assigns the bundle's tasks to the workers named in the plan, streams the model
// inputs to them, and writes the model outputs it receives as .npy.
import { SplitUpError } from '../../errors.js';
import { generateIdentity } from '../../identity/identity.js';
import { readKeypairFile } from '../../identity/keypair-file.js';
import { bundleIdOf } from '../../model/bundle/bundle-id.js';
import { readManifest } from '../../model/bundle/read.js';
import { DEFAULT_INFERENCE_TIMEOUT_MS, InferenceClient } from '../../roles/client/inference-client.js';
import { createClientPeer } from '../../roles/role-peer.js';
import { readPlacementFile } from '../../scheduling/placement.js';
import type { CliIo, Command } from '../command.js';
import { CliErrorCode } from '../errors.js';
import { parseCliArgs } from '../parse-args.js';
import { parseNamedFiles, readNamedNpy, writeNamedNpy } from '../tensor-files.js';

const usage = `Usage: splitup infer --bundle <dir> --input name=file.npy ... --plan <file> --out <dir>
                     [--keypair <file>] [--listen <multiaddr>] [--timeout <seconds>] [--json]

Runs one inference across worker peers. The plan (JSON, schema "splitup.plan/1") names the peer
of every task: {"schema":"splitup.plan/1","assignments":[{"task":"task-00","peer":"12D3…",
"addrs":["/ip4/127.0.0.1/tcp/4001"]}, …]}.
  --bundle <dir>         the task bundle (only manifest.json is read: the workers hold the weights)
  --input name=file.npy  a model input (repeat for each)
  --plan <file>          which peer runs which task
  --out <dir>            where to write one <output>.npy per model output
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
        keypair: { type: 'string' },
        listen: { type: 'string' },
        timeout: { type: 'string' },
        json: { type: 'boolean' },
      },
    },
    usage,
  );
  const v = parsed.values;
  if (!v.bundle) throw badArgs('--bundle <dir> is required');
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
    const manifest = readManifest(opts.bundle);
    const plan = readPlacementFile(opts.plan, manifest);
    const inputs = await readNamedNpy(opts.inputs);
    const identity = opts.keypair ? await readKeypairFile(opts.keypair) : await generateIdentity();
    const client = new InferenceClient();
    const node = await createClientPeer(
      { privateKey: identity.privateKey, ...(opts.listen ? { listen: [opts.listen] } : {}) },
      client,
    );
    try {
      const result = await client.infer({
        manifest,
        bundleId: bundleIdOf(opts.bundle),
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
      await node.stop();
    }
  },
};
