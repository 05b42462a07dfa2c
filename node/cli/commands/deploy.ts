// `splitup deploy <model.onnx> --target-vram <size> --out <dir> [--shape name=AxB ...]`: partitions
// a model into tasks that each fit the VRAM target and writes the task bundle.
import { homedir } from 'node:os';
import { join } from 'node:path';
import { MANIFEST_FILE } from '../../../storage/bundle/manifest.js';
import { publishBundle, WeightStore } from '../../../storage/weights/index.js';
import { SplitUpError } from '../../errors.js';
import { deployModel } from '../../model/bundle/deploy-model.js';
import { planTable } from '../../model/bundle/plan-table.js';
import { assertValidDag } from '../../model/dag/index.js';
import { estimateTaskMemory, partition } from '../../model/partition/index.js';
import { formatSize, parseSize } from '../../util/size.js';
import type { Command } from '../command.js';
import { CliErrorCode } from '../errors.js';
import { parseCliArgs } from '../parse-args.js';

const usage = `Usage: splitup deploy <model.onnx> --target-vram <size> --out <dir> [--shape name=AxB ...] [--force]
                      [--publish [--data-dir <dir>]]

Splits an ONNX model into tasks that each fit --target-vram (e.g. 12GB, 512MiB) and writes the
task bundle to --out: manifest.json, one .onnx per task and one weights file per task.
  --shape name=AxB   fix a symbolic input shape (repeatable), e.g. --shape input_ids=1x128;
                     or one symbolic dimension by name, e.g. --shape past_sequence_length=0
  --force            replace an earlier bundle in --out (never any other non-empty folder)
  --publish          add every task file to this peer's IPFS weight store (--data-dir, default
                     ~/.splitup) and record each file's CID in manifest.json
The model is first optimized by onnxruntime (level recorded in the manifest) so that results of the
split model are bit-identical to the whole one. Progress goes to stderr, the plan to stdout.`;

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
    out: values.out,
    shapes: values.shape ?? [],
    force: values.force === true,
    publish: values.publish === true,
    dataDir: values['data-dir'] ?? join(homedir(), '.splitup'),
  };
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
      partition: (graph, targetBytes) => partition(graph, { targetBytes }),
      estimate: (graph, nodes) => estimateTaskMemory(graph, nodes),
      validate: assertValidDag,
      progress: (line) => io.err(`deploy: ${line} (${((performance.now() - started) / 1000).toFixed(1)} s)`),
    });
    for (const line of planTable(result.manifest)) io.out(line);
    if (result.unsized.length > 0) {
      io.err(
        `deploy: warning: ${result.unsized.length} tensors could not be sized and count 0 bytes (e.g. ${result.unsized.slice(0, 3).join(', ')})`,
      );
    }
    io.out(`bundle written to ${result.outDir} (target ${formatSize(opts.targetVramBytes)})`);
    if (opts.publish) {
      const store = await WeightStore.open(opts.dataDir);
      try {
        const { cids } = await publishBundle(store, result.outDir, {
          onProgress: (p) => {
            if (p.bytes === p.totalBytes) io.err(`deploy: published ${p.file} (${formatSize(p.totalBytes)})`);
          },
        });
        for (const [file, cid] of Object.entries(cids)) io.out(`${cid}  ${file}`);
        // The manifest (now holding every file's CID) is published last: its CID names the bundle.
        const bundleCid = await store.addFile(join(result.outDir, MANIFEST_FILE));
        io.out(
          `published ${Object.keys(cids).length} files to ${opts.dataDir}; CIDs recorded in manifest.json`,
        );
        io.out(`bundle CID ${bundleCid} (workers: splitup node start --role worker --bundle ${bundleCid})`);
      } finally {
        await store.stop();
      }
    }
    return 0;
  },
};
