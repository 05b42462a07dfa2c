// A bundle read once. openBundle checks the manifest (schema, DAG rules), indexes its wiring, and
// verifies the files of the tasks asked for: each file's sha256 is computed exactly once, and each
// task model is decoded and checked (well-formed, standard operators, external data inside the
// bundle and listed in the manifest). What it returns is what the engine runs and what the roles
// route by; nothing downstream reads or hashes the manifest or those files again.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { BundleError, BundleErrorCode } from '../../../storage/bundle/errors.js';
import { type BundleManifest, MANIFEST_FILE, type TaskManifest } from '../../../storage/bundle/manifest.js';
import { safeExternalPath } from '../onnx/external-data.js';
import { checkModelBytes } from '../onnx/load.js';
import { assertStandardOperators } from '../onnx/safety.js';
import { readHashedFile, sha256File, sha256Hex } from './hash.js';
import { checkManifestText, readManifestBytes } from './read.js';
import { BundleWiring } from './wiring.js';

/** A file of a task (its .onnx or a weights file) as the manifest lists it. */
export interface BundleFileRef {
  task: string;
  file: string;
  sha256: string;
  cid?: string;
}

export interface OpenBundleOptions {
  /** Tasks whose files are verified (default: every task); [] checks the manifest alone. */
  tasks?: readonly string[];
  /**
   * Puts in place the files that are absent or fail their hash. It must check each file against
   * its sha256 as it writes it (fetchTaskFiles does), so those files are not hashed again here.
   * Without it such a file is refused (BUNDLE_FILE_MISSING, BUNDLE_HASH_MISMATCH).
   */
  fetchMissing?: (files: readonly BundleFileRef[]) => Promise<void>;
}

export interface VerifiedTask {
  task: TaskManifest;
  /** Absolute path of the task's .onnx, whose bytes and weights match the manifest. */
  modelPath: string;
}

/** Only openBundle makes a VerifiedBundle: holding one means its checks ran. */
const OPENED = Symbol('opened by openBundle');

export class VerifiedBundle {
  /** Absolute path of the bundle folder. */
  readonly dir: string;
  /** sha256 (hex) of manifest.json's bytes: the bundle's identity. */
  readonly id: string;
  /** The checked manifest, frozen: what was verified cannot be changed afterwards. */
  readonly manifest: BundleManifest;
  readonly wiring: BundleWiring;
  readonly #tasks: ReadonlyMap<string, TaskManifest>;
  readonly #verified: ReadonlyMap<string, VerifiedTask>;

  constructor(
    token: typeof OPENED,
    parts: { dir: string; id: string; manifest: BundleManifest; verified: ReadonlyMap<string, VerifiedTask> },
  ) {
    void token;
    this.dir = parts.dir;
    this.id = parts.id;
    this.manifest = parts.manifest;
    this.wiring = new BundleWiring(parts.manifest);
    this.#tasks = new Map(parts.manifest.tasks.map((t) => [t.id, t]));
    this.#verified = parts.verified;
  }

  /** The manifest entry of a task; BUNDLE_TASK_NOT_FOUND for an id the bundle does not have. */
  task(id: string): TaskManifest {
    const task = this.#tasks.get(id);
    if (task === undefined) throw taskNotFound(this.manifest, id);
    return task;
  }

  /** Ids of the tasks whose files this opening verified. */
  get verifiedTaskIds(): string[] {
    return [...this.#verified.keys()];
  }

  /** A task whose files were verified; BUNDLE_TASK_UNVERIFIED when it was not asked for. */
  verifiedTask(id: string): VerifiedTask {
    const verified = this.#verified.get(id);
    if (verified !== undefined) return verified;
    this.task(id);
    throw new BundleError(
      BundleErrorCode.TASK_UNVERIFIED,
      `task '${id}' of bundle ${this.dir} was not verified when the bundle was opened (opened for ${this.verifiedTaskIds.join(', ') || 'no task'})`,
      { task: id },
    );
  }
}

function taskNotFound(manifest: BundleManifest, id: string): BundleError {
  return new BundleError(
    BundleErrorCode.TASK_NOT_FOUND,
    `the bundle has no task '${id}' (it has ${manifest.tasks.map((t) => t.id).join(', ')})`,
    { task: id },
  );
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

interface FileCheck extends BundleFileRef {
  path: string;
  /** The .onnx bytes, kept to decode them without reading the file again. */
  modelBytes?: Buffer;
  needsFetch: boolean;
}

function owner(ref: BundleFileRef, isModel: boolean): string {
  return isModel ? `task '${ref.task}'` : `task '${ref.task}' weights`;
}

/** Hashes one file (once) and says whether it must be fetched; throws when it cannot be. */
async function checkFile(
  ref: BundleFileRef,
  path: string,
  isModel: boolean,
  canFetch: boolean,
): Promise<FileCheck> {
  const what = owner(ref, isModel);
  if (!existsSync(path)) {
    if (canFetch) return { ...ref, path, needsFetch: true };
    throw new BundleError(
      BundleErrorCode.FILE_MISSING,
      `${what}: file '${ref.file}' is missing from the bundle`,
      {
        file: ref.file,
      },
    );
  }
  let actual: string;
  let bytes: Buffer | undefined;
  if (isModel) ({ bytes, sha256: actual } = await readHashedFile(path));
  else actual = await sha256File(path);
  if (actual === ref.sha256)
    return { ...ref, path, needsFetch: false, ...(bytes ? { modelBytes: bytes } : {}) };
  if (canFetch) return { ...ref, path, needsFetch: true };
  throw new BundleError(
    BundleErrorCode.HASH_MISMATCH,
    `${what}: '${ref.file}' has sha256 ${actual}, but the manifest says ${ref.sha256} (modified or corrupt file)`,
    { file: ref.file, expected: ref.sha256, actual },
  );
}

/** Decodes a verified task model and checks it reads only weights files its manifest entry lists. */
function checkTaskModel(root: string, task: TaskManifest, path: string, bytes: Uint8Array): void {
  const { model, externalFiles } = checkModelBytes(bytes, path);
  assertStandardOperators(model, { allowOrtFusions: true });
  const listed = new Set(task.weights.map((w) => resolve(root, w.file)));
  for (const file of externalFiles) {
    if (!listed.has(file)) {
      throw new BundleError(
        BundleErrorCode.MANIFEST_INVALID,
        `task '${task.id}' reads external data from '${file}', which its manifest entry does not list (so nothing checks its hash)`,
        { task: task.id, file },
      );
    }
  }
}

/** Reads and verifies the bundle in `dir` (see the head of this file). */
export async function openBundle(dir: string, options: OpenBundleOptions = {}): Promise<VerifiedBundle> {
  const root = resolve(dir);
  const bytes = readManifestBytes(root);
  const manifest = deepFreeze(checkManifestText(bytes.toString('utf8'), join(root, MANIFEST_FILE)));
  const byId = new Map(manifest.tasks.map((t) => [t.id, t]));
  const ids = [...new Set(options.tasks ?? manifest.tasks.map((t) => t.id))];
  const tasks = ids.map((id) => {
    const task = byId.get(id);
    if (task === undefined) throw taskNotFound(manifest, id);
    return task;
  });

  // Each distinct file once, even when two tasks list it.
  const checks = new Map<string, FileCheck>();
  const check = async (ref: BundleFileRef, isModel: boolean): Promise<FileCheck> => {
    const path = safeExternalPath(root, ref.file, owner(ref, isModel));
    const seen = checks.get(path);
    if (seen !== undefined && seen.sha256 !== ref.sha256) {
      throw new BundleError(
        BundleErrorCode.MANIFEST_INVALID,
        `${owner(ref, isModel)} and task '${seen.task}' list '${ref.file}' with different sha256`,
        { file: ref.file },
      );
    }
    if (seen !== undefined) return seen;
    const checked = await checkFile(ref, path, isModel, options.fetchMissing !== undefined);
    checks.set(path, checked);
    return checked;
  };
  const perTask: { task: TaskManifest; model: FileCheck }[] = [];
  for (const task of tasks) {
    const ref = {
      task: task.id,
      file: task.file,
      sha256: task.sha256,
      ...(task.cid ? { cid: task.cid } : {}),
    };
    const model = await check(ref, true);
    for (const w of task.weights)
      await check({ task: task.id, file: w.file, sha256: w.sha256, ...(w.cid ? { cid: w.cid } : {}) }, false);
    perTask.push({ task, model });
  }
  const missing = [...checks.values()].filter((f) => f.needsFetch);
  if (missing.length > 0 && options.fetchMissing) {
    await options.fetchMissing(
      missing.map(({ task, file, sha256, cid }) => ({ task, file, sha256, ...(cid ? { cid } : {}) })),
    );
  }

  const verified = new Map<string, VerifiedTask>();
  for (const { task, model } of perTask) {
    // A fetched .onnx was hashed by the fetcher as it was written; it is read here only to decode it.
    checkTaskModel(root, task, model.path, model.modelBytes ?? (await readFile(model.path)));
    verified.set(task.id, { task, modelPath: model.path });
  }
  return new VerifiedBundle(OPENED, { dir: root, id: sha256Hex(bytes), manifest, verified });
}
