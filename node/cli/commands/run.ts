import { performance } from 'node:perf_hooks';
import type { Tensor } from '../../../storage/tensors/tensor.js';
import { BundleRunner } from '../../engine/bundle-runner.js';
import { buildCheckReport, type CheckReport } from '../../engine/check-report.js';
import { MAX_INTRA_OP_THREADS } from '../../engine/constants.js';
import { RunErrorCode } from '../../engine/errors.js';
import { openWholeModel } from '../../engine/whole-model.js';
import { SplitUpError } from '../../errors.js';
import { openBundle } from '../../model/bundle/open.js';
import type { CliIo, Command } from '../command.js';
import { CliErrorCode } from '../errors.js';
import { parseCliArgs } from '../parse-args.js';
import { parseNamedFiles, readNamedNpy, type WrittenTensor, writeNamedNpy } from '../tensor-files.js';

const usage = `Usage: splitup run <bundle-dir> --input name=file.npy ... --out <dir> [--check [--source <model.onnx>]]
                   [--json] [--threads N] [--repeat N]

Runs a task bundle on this machine: each task in its own worker thread with the bundle's
deterministic onnxruntime settings, in DAG order, independent tasks concurrently.
  --input name=file.npy  a model input (repeat for each); C-order .npy of the declared dtype
  --out <dir>            where to write one <output>.npy per model output (created if needed)
  --check                also run the unsplit model (the one deploy recorded beside the manifest,
                         sha256-checked) and report, per output, whether it is bit-identical and
                         the max |diff|
  --source <model.onnx>  the unsplit model for --check, for a bundle deployed elsewhere (its
                         sha256 must be the manifest's model.sourceSha256)
  --json                 print the report as JSON (with a boolean "bitIdentical" under --check)
  --threads N            intra-op threads per session (results do not depend on it)
  --repeat N             run N times (split and whole); times are medians, the first run
                         includes warm-up; also checks every run gives the same bits
Exit code 1 when --check finds an output that is not bit-identical, or repeats differ.`;

/** Upper bound of --repeat: a sanity limit, not a tuning knob. */
const MAX_REPEAT = 1000;

interface RunArgs {
  bundleDir: string;
  inputs: Map<string, string>;
  out: string;
  check: boolean;
  source: string | undefined;
  json: boolean;
  threads: number | undefined;
  repeat: number;
}

function badArgs(message: string): SplitUpError {
  return new SplitUpError(CliErrorCode.BAD_ARGS, `${message}\n\n${usage}`);
}

function positiveInt(flag: string, text: string | undefined, max: number): number | undefined {
  if (text === undefined) return undefined;
  const n = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isInteger(n) || n < 1 || n > max) {
    throw badArgs(`--${flag} '${text}' must be an integer from 1 to ${max}`);
  }
  return n;
}

export function parseRunArgs(args: string[]): RunArgs {
  const parsed = parseCliArgs(
    {
      args,
      allowPositionals: true,
      strict: true,
      options: {
        input: { type: 'string', multiple: true },
        out: { type: 'string' },
        check: { type: 'boolean' },
        source: { type: 'string' },
        json: { type: 'boolean' },
        threads: { type: 'string' },
        repeat: { type: 'string' },
      },
    },
    usage,
  );
  const { values, positionals } = parsed;
  if (positionals.length !== 1) throw badArgs('expected one bundle folder');
  if (!values.out) throw badArgs('--out <dir> is required');
  if (values.source !== undefined && values.check !== true) throw badArgs('--source is for --check');
  const inputs = parseNamedFiles(values.input ?? [], '--input', usage);
  return {
    bundleDir: positionals[0]!,
    inputs,
    out: values.out,
    check: values.check === true,
    source: values.source,
    json: values.json === true,
    threads: positiveInt('threads', values.threads, MAX_INTRA_OP_THREADS),
    repeat: positiveInt('repeat', values.repeat, MAX_REPEAT) ?? 1,
  };
}

interface RunReport {
  bundle: string;
  model: string;
  outputs: Record<string, WrittenTensor>;
  /** Wall-clock ms of the split run (median over `runs`). */
  splitMs: number;
  /** Milliseconds inside onnxruntime per task (first run). */
  taskMs: Record<string, number>;
  runs: number;
  /** With --repeat > 1: every run gave the same bits as the first. */
  repeatable?: boolean;
  bitIdentical?: boolean;
  check?: CheckReport;
}

interface RepeatedRun {
  /** Outputs of the first run. */
  outputs: Record<string, Tensor>;
  taskMs: Record<string, number>;
  medianMs: number;
  /** False when a later run's outputs differ in any bit from the first run's. */
  repeatable: boolean;
}

interface OneRun {
  outputs: Record<string, Tensor>;
  ms: number;
  taskMs?: Record<string, number>;
}

function sameOutputs(a: Record<string, Tensor>, b: Record<string, Tensor>): boolean {
  const names = Object.keys(a);
  return (
    names.length === Object.keys(b).length &&
    names.every((n) => b[n] !== undefined && Buffer.from(a[n]!.data).equals(b[n]!.data))
  );
}

async function repeated(n: number, once: () => Promise<OneRun>): Promise<RepeatedRun> {
  const first = await once();
  const times = [first.ms];
  let repeatable = true;
  for (let i = 1; i < n; i++) {
    const next = await once();
    times.push(next.ms);
    repeatable &&= sameOutputs(first.outputs, next.outputs);
  }
  times.sort((a, b) => a - b);
  const medianMs = times[Math.floor(times.length / 2)]!;
  return { outputs: first.outputs, taskMs: first.taskMs ?? {}, medianMs, repeatable };
}

function printText(io: CliIo, report: RunReport): void {
  const runs = report.runs > 1 ? ` (median of ${report.runs} runs)` : '';
  io.out(
    `model ${report.model}: ${Object.keys(report.taskMs).length} tasks in ${report.splitMs.toFixed(1)} ms${runs}`,
  );
  for (const [name, o] of Object.entries(report.outputs)) {
    io.out(`  ${name}: ${o.dtype}[${o.shape.join(', ')}] -> ${o.file}  sha256 ${o.sha256.slice(0, 16)}…`);
  }
  if (report.repeatable !== undefined) {
    io.out(report.repeatable ? 'every run gave the same bits' : 'runs gave DIFFERENT bits');
  }
  const check = report.check;
  if (!check) return;
  io.out(
    `check against the unsplit model (split ${check.splitMs.toFixed(1)} ms, whole ${check.wholeMs.toFixed(1)} ms):`,
  );
  for (const [name, o] of Object.entries(check.outputs)) {
    const verdict = o.bitIdentical
      ? 'bit-identical'
      : `DIFFERS (max |diff| ${o.maxAbsDiff ?? 'not comparable'})`;
    io.out(`  ${name}: ${verdict}`);
  }
  io.out(check.bitIdentical ? 'all outputs bit-identical' : 'outputs differ from the unsplit model');
}

export const runCommand: Command = {
  path: ['run'],
  usage,
  async run(args, io) {
    const opts = parseRunArgs(args);
    const bundle = await openBundle(opts.bundleDir);
    const { manifest } = bundle;
    const inputs = await readNamedNpy(opts.inputs);
    const threadOpt = opts.threads === undefined ? {} : { threads: opts.threads };

    const runner = await BundleRunner.open(bundle, threadOpt);
    let split: RepeatedRun;
    try {
      split = await repeated(opts.repeat, async () => {
        runner.resetState(); // every run is the same first step
        const r = await runner.run(inputs);
        return { outputs: r.outputs, ms: r.wallMs, taskMs: r.taskMs };
      });
    } finally {
      await runner.close();
    }

    let check: CheckReport | undefined;
    let wholeRepeatable = true;
    if (opts.check) {
      const whole = await openWholeModel(bundle, {
        ...threadOpt,
        ...(opts.source === undefined ? {} : { sourcePath: opts.source }),
      });
      try {
        const reference = await repeated(opts.repeat, async () => {
          const started = performance.now();
          const outputs = await whole.run(inputs);
          return { outputs, ms: performance.now() - started };
        });
        wholeRepeatable = reference.repeatable;
        check = buildCheckReport(split.outputs, reference.outputs, {
          splitMs: split.medianMs,
          wholeMs: reference.medianMs,
        });
      } finally {
        await whole.close();
      }
    }

    const report: RunReport = {
      bundle: opts.bundleDir,
      model: manifest.model.name,
      outputs: {},
      splitMs: split.medianMs,
      taskMs: split.taskMs,
      runs: opts.repeat,
    };
    if (opts.repeat > 1) report.repeatable = split.repeatable && wholeRepeatable;
    report.outputs = await writeNamedNpy(opts.out, split.outputs);
    if (check) {
      report.bitIdentical = check.bitIdentical;
      report.check = check;
    }
    if (opts.json) io.out(JSON.stringify(report, null, 2));
    else printText(io, report);
    if (report.repeatable === false) {
      io.err(`error [${RunErrorCode.NOT_REPEATABLE}]: repeated runs of the same inputs gave different bits`);
      return 1;
    }
    if (check && !check.bitIdentical) {
      io.err(
        `error [${RunErrorCode.CHECK_DIFFERS}]: the split run is not bit-identical to the unsplit model`,
      );
      return 1;
    }
    return 0;
  },
};
