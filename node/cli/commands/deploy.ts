// `splitup deploy <model.onnx> --target-vram <size> --out <dir> [--shape name=AxB ...]`: partitions
// a model into tasks that each fit the VRAM target and writes the task bundle.
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import type { BundleManifest } from '../../../storage/bundle/manifest.js';
import { publishBundle, WeightStore } from '../../../storage/weights/index.js';
import { SplitUpError } from '../../errors.js';
import { generateIdentity } from '../../identity/identity.js';
import { loadOrCreateKeypairFile } from '../../identity/keypair-file.js';
import { deployModel } from '../../model/bundle/deploy-model.js';
import { taskTable } from '../../model/bundle/task-table.js';
import { assertValidDag } from '../../model/dag/index.js';
import {
  estimateTaskMemory,
  partition,
  RUNTIME_MARGIN,
  type RuntimeMargin,
} from '../../model/partition/index.js';
import { formatSize, parseSize } from '../../util/size.js';
import type { CliIo, Command } from '../command.js';
import { CliErrorCode } from '../errors.js';
import { parseCliArgs } from '../parse-args.js';

/** The port the printed commands give the deployer's peer (any free port works). */
const DEPLOYER_PORT = 4001;
/** The keypair file `node start` uses in a data dir when no --keypair is given. */
const DEPLOYER_KEYPAIR_FILE = 'keypair.json';

const usage = `Usage: splitup deploy <model.onnx> --target-vram <size> --out <dir> [--shape name=AxB ...] [--force]
                      [--runtime-margin <size>] [--publish [--data-dir <dir>]]

Splits an ONNX model into tasks that each fit --target-vram (e.g. 12GB, 512MiB) and writes the
task bundle to --out: manifest.json, one .onnx per task and one weights file per task.
  --shape name=AxB   fix a symbolic input shape (repeatable), e.g. --shape input_ids=1x128;
                     or one symbolic dimension by name, e.g. --shape past_sequence_length=0
  --force            replace an earlier bundle in --out (never any other non-empty folder)
  --runtime-margin <size>
                     the fixed part of the memory every task reserves for the runtime besides its
                     weights, activations and state (default ${formatSize(RUNTIME_MARGIN.fixedBytes)}; the proportional
                     part, ${RUNTIME_MARGIN.fraction * 100} % of those bytes, stays); 0 for none
  --publish          add every task file to this peer's IPFS weight store (--data-dir, default
                     ~/.splitup) and record each file's CID in manifest.json; prints the bundle
                     CID and the commands that serve it and start its workers
The model is first optimized by onnxruntime (level recorded in the manifest) so that results of the
split model are bit-identical to the whole one. Progress goes to stderr, the task table to stdout.`;

function parseDeployArgs(args: string[]) {
  const parsed = parseCliArgs(
    {
      args,
      allowPositionals: true,
      strict: true,
      options: {
        'target-vram': { type: 'string' },
        out: { type: 'string' },
        shape: { type: 'string', multiple: true },
        force: { type: 'boolean' },
        publish: { type: 'boolean' },
        'data-dir': { type: 'string' },
        'runtime-margin': { type: 'string' },
      },
    },
    usage,
  );
  const { values, positionals } = parsed;
  if (positionals.length !== 1)
    throw new SplitUpError(CliErrorCode.BAD_ARGS, `expected one model file\n\n${usage}`);
  if (!values['target-vram'])
    throw new SplitUpError(CliErrorCode.BAD_ARGS, `--target-vram <size> is required\n\n${usage}`);
  if (!values.out) throw new SplitUpError(CliErrorCode.BAD_ARGS, `--out <dir> is required\n\n${usage}`);
  return {
    model: positionals[0] as string,
    targetVramBytes: parseSize(values['target-vram']),
    margin: runtimeMargin(values['runtime-margin']),
    out: values.out,
    shapes: values.shape ?? [],
    force: values.force === true,
    publish: values.publish === true,
    dataDir: resolve(values['data-dir'] ?? join(homedir(), '.splitup')),
  };
}

/** The margin with its fixed part from --runtime-margin ('0' allowed: no fixed part). */
function runtimeMargin(text: string | undefined): Readonly<RuntimeMargin> {
  if (text === undefined) return RUNTIME_MARGIN;
  const fixedBytes = /^\s*0+(\.0+)?\s*$/.test(text) ? 0 : parseSize(text);
  return { fixedBytes, fraction: RUNTIME_MARGIN.fraction };
}

/** A word the shell passes through unchanged, quoted when it holds anything else. */
function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

/** A command line a user can paste: `splitup` and its arguments, each quoted as needed. */
function commandLine(args: readonly string[]): string {
  return ['splitup', ...args].map(shellWord).join(' ');
}

/**
 * After --publish: the bundle CID, and the commands that make it usable. The deployer's store
 * holds the files, so a peer on it must run; each worker names its task and dials that peer.
 */
async function printPublished(
  io: CliIo,
  dataDir: string,
  bundleCid: string,
  manifest: BundleManifest,
): Promise<void> {
  const { identity } = await loadOrCreateKeypairFile(join(dataDir, DEPLOYER_KEYPAIR_FILE), generateIdentity);
  const listen = `/ip4/127.0.0.1/tcp/${DEPLOYER_PORT}`;
  io.out(`bundle CID ${bundleCid}`);
  io.out(
    'serve it: keep a peer running on the store that holds the files (its PeerId is fixed by its keypair):',
  );
  io.out(
    `  ${commandLine(['node', 'start', '--role', 'oracle', '--data-dir', dataDir, '--listen', listen])}`,
  );
  io.out(`then one worker per task (from another machine: use this machine's address instead of 127.0.0.1):`);
  for (const task of manifest.tasks) {
    io.out(
      `  ${commandLine([
        'node',
        'start',
        '--role',
        'worker',
        '--data-dir',
        `splitup-worker-${task.id}`,
        '--bundle',
        bundleCid,
        '--tasks',
        task.id,
        '--bootstrap',
        `${listen}/p2p/${identity.peerId.toString()}`,
      ])}`,
    );
  }
}

export const deployCommand: Command = {
  path: ['deploy'],
  usage,
  async run(args, io) {
    const opts = parseDeployArgs(args);
    const started = performance.now();
    const result = await deployModel({
      modelPath: opts.model,
      outDir: opts.out,
      targetVramBytes: opts.targetVramBytes,
      shapes: opts.shapes,
      overwrite: opts.force,
      partition: (graph, targetBytes) => partition(graph, { targetBytes, margin: opts.margin }),
      estimate: (graph, nodes) => estimateTaskMemory(graph, nodes, opts.margin),
      validate: assertValidDag,
      progress: (line) => io.err(`deploy: ${line} (${((performance.now() - started) / 1000).toFixed(1)} s)`),
    });
    for (const line of taskTable(result.manifest)) io.out(line);
    if (result.unsized.length > 0) {
      io.err(
        `deploy: warning: ${result.unsized.length} tensors could not be sized and count 0 bytes (e.g. ${result.unsized.slice(0, 3).join(', ')})`,
      );
    }
    io.out(`bundle written to ${result.outDir} (target ${formatSize(opts.targetVramBytes)})`);
    if (opts.publish) {
      const store = await WeightStore.open(opts.dataDir);
      let published: Awaited<ReturnType<typeof publishBundle>>;
      try {
        published = await publishBundle(store, result.outDir, {
          onProgress: (p) => {
            if (p.bytes === p.totalBytes) io.err(`deploy: published ${p.file} (${formatSize(p.totalBytes)})`);
          },
        });
      } finally {
        await store.stop();
      }
      for (const [file, cid] of Object.entries(published.cids)) io.out(`${cid}  ${file}`);
      io.out(
        `published ${Object.keys(published.cids).length} files to ${opts.dataDir}; CIDs recorded in manifest.json`,
      );
      await printPublished(io, opts.dataDir, published.bundleCid, result.manifest);
    }
    return 0;
  },
};
