// deploy, as a library call: source model -> optimized model -> shapes -> partition graph ->
// partition -> task files + weights -> verified manifest, written atomically into `outDir`. The
// source model's path stays out of the manifest (source-record.ts).
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { toBinary } from '@bufbuild/protobuf';
import { ModelProtoSchema } from 'onnx-buf';
import {
  type BundleManifest,
  MANIFEST_FILE,
  MANIFEST_SCHEMA,
  type TaskManifest,
} from '../../../storage/bundle/manifest.js';
import { SplitUpError } from '../../errors.js';
import { buildPartitionGraph, onnxNodeOrder } from '../build-partition-graph.js';
import { ModelErrorCode, OutDirErrorCode, ShapeErrorCode } from '../errors.js';
import { type ExtractedTask, extractTasks } from '../extract/extract-tasks.js';
import { constantsToInitializers } from '../onnx/constants.js';
import { dedupeInitializers } from '../onnx/dedupe-initializers.js';
import { loadOnnxModel } from '../onnx/load.js';
import { DEPLOY_OPTIMIZATION_LEVEL } from '../onnx/optimize.js';
import { assertStandardOperators } from '../onnx/safety.js';
import { runOrtJob } from '../ort-worker/run-in-worker.js';
import { PartitionErrorCode } from '../partition/errors.js';
import type { Partition, PartitionGraph } from '../partition-graph.js';
import { parseShapeDeclarations, type ShapeDeclarations } from '../shapes/declare.js';
import type { InferredShapes } from '../shapes/infer.js';
import { resolveInputShapes, runtimeInputs } from '../shapes/input-shapes.js';
import type { StateNaming } from '../state-bindings.js';
import { writeSourceRecord } from './source-record.js';
import { writeManifest } from './write.js';

export type Partitioner = (graph: PartitionGraph, targetVramBytes: number) => Partition;
export type TaskMemoryEstimator = (graph: PartitionGraph, nodes: readonly number[]) => { totalBytes: number };
export type ManifestValidator = (manifest: BundleManifest) => void;

export interface DeployOptions {
  modelPath: string;
  outDir: string;
  targetVramBytes: number;
  /** `name=AxB` texts as given on the command line. */
  shapes: readonly string[];
  partition: Partitioner;
  estimate: TaskMemoryEstimator;
  /** DAG validation of the finished manifest (throws on a bad one). */
  validate?: ManifestValidator;
  stateNaming?: StateNaming;
  /** Replace an existing non-empty output folder. */
  overwrite?: boolean;
  progress?: (line: string) => void;
}

export interface DeployResult {
  manifest: BundleManifest;
  outDir: string;
  /** Tensors onnxruntime could not size (estimated as 0 bytes). */
  unsized: string[];
  /** Whether a run on zero inputs was needed to size some tensors. */
  shapeRun: boolean;
}

function declaredShapes(decl: ShapeDeclarations): Record<string, number[]> {
  return Object.fromEntries(decl.tensors);
}

/**
 * Checks the output folder. --force replaces only an earlier bundle (a folder with a manifest),
 * never an arbitrary folder, and never one that holds the source model.
 */
function prepareOut(outDir: string, overwrite: boolean, modelPath: string): string {
  const out = resolve(outDir);
  const rel = relative(out, resolve(modelPath));
  if (!rel.startsWith('..') && !isAbsolute(rel)) {
    throw new SplitUpError(
      OutDirErrorCode.CONTAINS_MODEL,
      `${out} holds the source model; write the bundle to another folder`,
      {
        dir: out,
      },
    );
  }
  const entries = existingEntries(out);
  if (entries.length > 0 && !(overwrite && entries.includes(MANIFEST_FILE))) {
    throw new SplitUpError(
      OutDirErrorCode.NOT_EMPTY,
      overwrite
        ? `${out} is not empty and holds no earlier bundle (${MANIFEST_FILE}); --force replaces only a bundle folder`
        : `${out} exists and is not empty; choose a new folder or pass --force to replace an earlier bundle`,
      { dir: out },
    );
  }
  try {
    mkdirSync(dirname(out), { recursive: true });
  } catch (err) {
    throw new SplitUpError(
      OutDirErrorCode.NOT_A_FOLDER,
      `cannot make the folder that holds ${out}: ${(err as Error).message}`,
      { dir: out },
      { cause: err },
    );
  }
  return out;
}

/** The names in `out`, [] when it does not exist; OUT_DIR_NOT_A_FOLDER when it is anything but a folder. */
function existingEntries(out: string): string[] {
  let isFolder: boolean;
  try {
    isFolder = lstatSync(out).isDirectory();
  } catch {
    return [];
  }
  if (!isFolder) {
    throw new SplitUpError(
      OutDirErrorCode.NOT_A_FOLDER,
      `${out} exists and is not a folder (a file or a link); choose a new folder for the bundle`,
      { dir: out },
    );
  }
  return readdirSync(out);
}

export async function deployModel(opts: DeployOptions): Promise<DeployResult> {
  const say = opts.progress ?? (() => {});
  const out = prepareOut(opts.outDir, opts.overwrite ?? false, opts.modelPath);
  const decl = parseShapeDeclarations(opts.shapes);
  say(`loading ${opts.modelPath}`);
  const source = loadOnnxModel(opts.modelPath);
  assertStandardOperators(source.model, { allowOrtFusions: true });
  // Check the declarations against the source before the (slow) optimization.
  const sourceGraph = source.model.graph;
  if (!sourceGraph) throw new SplitUpError(ModelErrorCode.CORRUPT, 'model has no graph');
  resolveInputShapes(sourceGraph, decl);

  const work = mkdtempSync(join(tmpdir(), 'splitup-deploy-'));
  const staging = `${out}.partial-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  try {
    say(`optimizing with onnxruntime (level '${DEPLOY_OPTIMIZATION_LEVEL}')`);
    const heartbeat = (step: string) => (seconds: number) => say(`  still ${step} (${seconds} s)`);
    const { path: optimizedPath } = await runOrtJob(
      { kind: 'optimize', sourcePath: source.path, outDir: work },
      heartbeat('optimizing'),
    );
    const optimized = loadOnnxModel(optimizedPath);
    const graph = optimized.model.graph;
    if (!graph) throw new SplitUpError(ModelErrorCode.CORRUPT, 'optimized model has no graph');
    dedupeInitializers(graph);
    constantsToInitializers(graph);
    assertStandardOperators(optimized.model, { allowOrtFusions: true });
    const inputs = resolveInputShapes(graph, decl);

    say(`inferring tensor shapes (${graph.node.length} nodes)`);
    const { shapes } = await runOrtJob(
      {
        kind: 'shapes',
        model: toBinary(ModelProtoSchema, optimized.model),
        modelPath: optimizedPath,
        inputs,
      },
      heartbeat('inferring shapes'),
    );
    const built = buildPartitionGraph(optimized.model, shapes, opts.stateNaming);

    say(`partitioning for ${opts.targetVramBytes} bytes per task`);
    const split = opts.partition(built.graph, opts.targetVramBytes);

    say(`writing ${split.tasks.length} tasks`);
    const extracted = extractTasks(
      {
        model: optimized.model,
        dir: optimized.dir,
        graph: built.graph,
        onnxIndex: onnxNodeOrder(optimized.model),
        shapes,
      },
      split,
      staging,
      (done, total) => say(`  task ${done}/${total} written`),
    );
    const tasks = extracted.tasks.map((t) => taskManifest(t, built.graph, opts.estimate));
    for (const t of tasks) {
      if (t.vramBytes > opts.targetVramBytes) {
        throw new SplitUpError(
          PartitionErrorCode.TASK_OVER_BUDGET,
          `task '${t.id}' needs an estimated ${t.vramBytes} bytes, over the target of ${opts.targetVramBytes}`,
          { task: t.id, vramBytes: t.vramBytes, targetVramBytes: opts.targetVramBytes },
        );
      }
    }
    const manifest: BundleManifest = {
      schema: MANIFEST_SCHEMA,
      model: {
        name: basename(source.path).replace(/\.onnx$/i, ''),
        sourceSha256: source.sha256,
        inputs: runtimeInputs(graph).map((i) => specFrom(i.name, shapes)),
        outputs: graph.output.map((o) => specFrom(o.name, shapes)),
        declaredShapes: declaredShapes(decl),
      },
      runtime: { graphOptimizationLevel: DEPLOY_OPTIMIZATION_LEVEL },
      targetVramBytes: opts.targetVramBytes,
      tasks,
      connections: extracted.connections,
    };
    opts.validate?.(manifest);
    writeManifest(staging, manifest);
    writeSourceRecord(staging, source.path);
    rmSync(out, { recursive: true, force: true });
    renameSync(staging, out);
    return { manifest, outDir: out, unsized: built.unsized, shapeRun: shapes.ran };
  } finally {
    rmSync(work, { recursive: true, force: true });
    rmSync(staging, { recursive: true, force: true });
  }
}

function specFrom(name: string, shapes: InferredShapes) {
  const sym = shapes.symbolic.get(name);
  const dtype = sym?.dtype ?? shapes.fixed.get(name)?.dtype;
  if (!dtype)
    throw new SplitUpError(ShapeErrorCode.UNKNOWN, `the type of model value '${name}' is unknown`, {
      tensor: name,
    });
  return { name, dtype, shape: sym?.shape ?? [] };
}

function taskManifest(t: ExtractedTask, graph: PartitionGraph, estimate: TaskMemoryEstimator): TaskManifest {
  return {
    id: t.id,
    file: t.file,
    sha256: t.sha256,
    inputs: t.inputs,
    outputs: t.outputs,
    state: t.state,
    vramBytes: estimate(graph, t.nodes).totalBytes,
    computeUnits: t.nodes.reduce((s, n) => s + (graph.nodes[n]?.computeUnits ?? 0), 0),
    weights: t.weights,
    nodeCount: t.nodes.length,
  };
}
