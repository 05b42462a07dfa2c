// The model layer's figures, each against a baseline measured in the same run:
//   1. partition time on a real ONNX graph of >= 10,000 nodes, against one memory-estimate sweep of
//      the same graph (the cost of looking at every node once);
//   2. tasks produced vs the lower bound ceil(total weight bytes / budget) (and ceil(whole-model
//      estimate / budget)), for the three PaddleOCR models and the large graph;
//   3. latency of the PaddleOCR rec model split into 3 tasks vs the same model whole, both run by
//      the engine (worker thread per session, same deterministic settings);
//   4. each task's memory estimate vs the RSS its session measurably takes (own process per task).
// Usage: npm run bench -- model-layer [-- --runs N --skip-large]
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { BundleRunner } from '../node/engine/bundle-runner.js';
import { openWholeModel } from '../node/engine/whole-model.js';
import { readSourceRecord } from '../node/model/bundle/source-record.js';
import { estimateTaskMemory, partition } from '../node/model/partition/index.js';
import { writeNpyFile } from '../node/tensor/npy-file.js';
import { formatSize } from '../node/util/size.js';
import { OCR_MODELS, type OcrModel, ocrInput, ocrModel, shapeArg } from '../test/fixtures/ocr-models.js';
import { writeTransformer } from '../test/fixtures/transformer.js';
import { TINY_TRANSFORMER } from '../test/fixtures/transformer-config.js';
import { type BenchDeploy, deployForBench, totalWeightBytes } from './lib/deploy-for-bench.js';
import { median } from './lib/stats.js';
import { feedFileName, writeTaskFeeds } from './lib/task-feeds.js';

/** Layers of the tiny-width decoder used as the large graph (about 62 nodes per layer). */
const LARGE_GRAPH_LAYERS = 170;
const LARGE_GRAPH_MIN_NODES = 10_000;
/** Budget for the large graph: a few tasks of its ~31 MB of weights plus the runtime margin. */
const LARGE_GRAPH_BUDGET = 24 * 2 ** 20;
/** Repetitions of partition() and of the baseline sweep on the large graph. */
const PARTITION_REPEATS = 3;
/** Untimed runs before the latency runs (session warm-up, allocator growth). */
const WARMUP_RUNS = 3;
const DEFAULT_LATENCY_RUNS = 20;
/** Threads for the memory child processes (one, so peaks do not depend on the core count). */
const MEMORY_THREADS = 1;

const { values } = parseArgs({
  options: { runs: { type: 'string' }, 'skip-large': { type: 'boolean' } },
});
const latencyRuns = values.runs ? Number(values.runs) : DEFAULT_LATENCY_RUNS;

const repo = fileURLToPath(new URL('..', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'splitup-bench-model-layer-'));

function time<T>(fn: () => T): { value: T; ms: number } {
  const t = performance.now();
  const value = fn();
  return { value, ms: performance.now() - t };
}

function table(rows: string[][]): void {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  for (const r of rows)
    console.log(
      `  ${r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ')}`,
    );
}

const ms = (x: number) => `${x.toFixed(1)} ms`;

async function largeGraph(): Promise<BenchDeploy> {
  // Static dims: onnxruntime takes minutes to create a 10k-node session with symbolic I/O dims.
  const generated = writeTransformer(
    join(work, 'large-model'),
    { ...TINY_TRANSFORMER, layers: LARGE_GRAPH_LAYERS },
    { staticDims: { batch: 1, seq: 1, past: 15 } },
  );
  return deployForBench(generated.modelPath, join(work, 'large-bundle'), LARGE_GRAPH_BUDGET, []);
}

function partitionFigures(large: BenchDeploy): void {
  const { graph } = large;
  const all = graph.nodes.map((n) => n.index);
  const partitionMs: number[] = [large.partitionMs];
  for (let i = 1; i < PARTITION_REPEATS; i++)
    partitionMs.push(time(() => partition(graph, { targetBytes: LARGE_GRAPH_BUDGET })).ms);
  const sweepMs: number[] = [];
  for (let i = 0; i < PARTITION_REPEATS; i++) sweepMs.push(time(() => estimateTaskMemory(graph, all)).ms);
  const p = median(partitionMs);
  const s = median(sweepMs);
  console.log(
    `\n[1] partition time, real ONNX graph of ${graph.nodes.length} nodes (${LARGE_GRAPH_LAYERS}-layer generated decoder, static dims, budget ${formatSize(LARGE_GRAPH_BUDGET)})`,
  );
  if (graph.nodes.length < LARGE_GRAPH_MIN_NODES)
    console.log(`  WARNING: fewer than ${LARGE_GRAPH_MIN_NODES} nodes`);
  console.log(
    `  partition():                         ${ms(p)} (median of ${PARTITION_REPEATS}: ${partitionMs.map((x) => x.toFixed(0)).join(', ')})`,
  );
  console.log(`  baseline, one memory sweep of graph: ${ms(s)} (median of ${PARTITION_REPEATS})`);
  console.log(`  ratio partition / sweep:             ${(p / s).toFixed(1)}x`);
  console.log(
    `  whole deploy pipeline (load, optimize, shapes, partition, extract): ${(large.deployMs / 1000).toFixed(1)} s`,
  );
}

function boundRow(name: string, d: BenchDeploy): string[] {
  const budget = d.manifest.targetVramBytes;
  const weights = totalWeightBytes(d.graph);
  const whole = estimateTaskMemory(
    d.graph,
    d.graph.nodes.map((n) => n.index),
  ).totalBytes;
  const bound = Math.ceil(weights / budget);
  const tasks = d.manifest.tasks.length;
  return [
    name,
    formatSize(budget),
    formatSize(weights),
    formatSize(whole),
    String(tasks),
    String(bound),
    String(Math.ceil(whole / budget)),
    (tasks / bound).toFixed(2),
  ];
}

async function latencyFigures(d: BenchDeploy): Promise<void> {
  const model = ocrModel('rec');
  const input = { [model.input]: ocrInput(model) };
  const whole = await openWholeModel({ dir: d.outDir, manifest: d.manifest });
  const split = await BundleRunner.open(d.outDir);
  const wholeMs: number[] = [];
  const splitMs: number[] = [];
  try {
    for (let i = 0; i < WARMUP_RUNS + latencyRuns; i++) {
      // Alternate so both see the same background load.
      const tw = performance.now();
      await whole.run(input);
      const w = performance.now() - tw;
      const ts = performance.now();
      await split.run(input);
      const s = performance.now() - ts;
      if (i >= WARMUP_RUNS) {
        wholeMs.push(w);
        splitMs.push(s);
      }
    }
  } finally {
    await whole.close();
    await split.close();
  }
  const w = median(wholeMs);
  const s = median(splitMs);
  console.log(
    `\n[3] PaddleOCR rec latency, x=${model.shape.join('x')}: whole vs split into ${d.manifest.tasks.length} tasks (median of ${latencyRuns} runs after ${WARMUP_RUNS} warm-up, ${availableParallelism()} threads per session)`,
  );
  if (d.manifest.tasks.length !== 3)
    console.log(`  NOTE: the budget gave ${d.manifest.tasks.length} tasks, not 3`);
  console.log(`  whole model (baseline): ${ms(w)}`);
  console.log(`  split, task by task:    ${ms(s)}`);
  console.log(
    `  ratio split / whole:    ${(s / w).toFixed(2)}x (+${ms(s - w)} for ${d.manifest.tasks.length - 1} hand-offs between worker threads)`,
  );
}

/** What bench/lib/measure-session-memory.ts reports (bytes). */
interface Measured {
  /** Anonymous RSS the session holds after load + one run (its peak: the arena keeps its chunks). */
  deltaBytes: number;
  /** Peak total RSS over load + run (includes mapped library pages). */
  hwmDeltaBytes: number;
}

function memoryRow(label: string, estimate: number, m: Measured): string[] {
  return [
    label,
    formatSize(estimate),
    formatSize(m.deltaBytes),
    formatSize(m.hwmDeltaBytes),
    (m.deltaBytes / estimate).toFixed(2),
  ];
}

function measure(modelPath: string, feedsDir: string, level: string): Measured {
  const child = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      'bench/lib/measure-session-memory.ts',
      modelPath,
      feedsDir,
      level,
      String(MEMORY_THREADS),
    ],
    { cwd: repo, encoding: 'utf8' },
  );
  if (child.status !== 0) throw new Error(`memory child failed for ${modelPath}:\n${child.stderr}`);
  return JSON.parse(child.stdout.trim().split('\n').at(-1)!) as Measured;
}

async function memoryRows(model: OcrModel, d: BenchDeploy): Promise<string[][]> {
  const input = ocrInput(model);
  const feedsRoot = join(work, `${model.name}-feeds`);
  const folders = await writeTaskFeeds(d.outDir, { [model.input]: input }, feedsRoot);
  const level = d.manifest.runtime.graphOptimizationLevel;
  const rows: string[][] = [];
  for (const task of d.manifest.tasks) {
    const m = measure(join(d.outDir, task.file), folders.get(task.id)!, level);
    rows.push(memoryRow(`${model.name} ${task.id}`, task.vramBytes, m));
  }
  const wholeFeeds = join(feedsRoot, 'whole');
  mkdirSync(wholeFeeds, { recursive: true });
  await writeNpyFile(join(wholeFeeds, feedFileName(model.input)), input);
  const wholeEstimate = estimateTaskMemory(
    d.graph,
    d.graph.nodes.map((n) => n.index),
  ).totalBytes;
  const m = measure(readSourceRecord(d.outDir)!, wholeFeeds, level);
  rows.push(memoryRow(`${model.name} whole`, wholeEstimate, m));
  return rows;
}

try {
  console.log(
    `SplitUp model-layer bench: ${availableParallelism()} CPUs, node ${process.version}, onnxruntime-node CPU`,
  );

  // --skip-large leaves out figure 1 and the large graph's row of figure 2 (quick runs).
  const large = values['skip-large'] ? undefined : await largeGraph();
  if (large) partitionFigures(large);

  const ocr = new Map<string, BenchDeploy>();
  for (const model of OCR_MODELS) {
    ocr.set(
      model.name,
      await deployForBench(model.path, join(work, `${model.name}-bundle`), model.budgetBytes, [
        shapeArg(model),
      ]),
    );
  }

  console.log('\n[2] tasks produced vs the lower bound ceil(total weight bytes / budget)');
  const rows = [
    ['model', 'budget', 'weights', 'whole est.', 'tasks', 'ceil(w/b)', 'ceil(est/b)', 'tasks/bound'],
  ];
  for (const model of OCR_MODELS)
    rows.push(boundRow(`${model.name} ${shapeArg(model)}`, ocr.get(model.name)!));
  if (large) rows.push(boundRow(`decoder ${large.graph.nodes.length} nodes`, large));
  table(rows);
  console.log(
    '  (each task also carries a fixed runtime margin, so small models need more tasks than weights alone imply)',
  );

  await latencyFigures(ocr.get('rec')!);

  console.log(
    `\n[4] memory estimate vs measured per task (own process, ${MEMORY_THREADS} thread, load + one run; ` +
      'measured = anonymous RSS held after the run, peak RSS = VmHWM incl. library pages)',
  );
  const memRows = [['task', 'estimate', 'measured', 'peak RSS', 'measured/estimate']];
  for (const model of OCR_MODELS) memRows.push(...(await memoryRows(model, ocr.get(model.name)!)));
  table(memRows);
} finally {
  rmSync(work, { recursive: true, force: true });
}
