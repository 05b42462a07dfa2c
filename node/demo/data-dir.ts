// The demo's data folder: the demo wipes it before each run, so it must only ever wipe a folder it
// made. It marks the folders it makes; a non-empty folder without the mark (a repository, a home
// folder, `--data-dir .`) is refused and left exactly as it was.
import { lstat, mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { SplitUpError } from '../errors.js';
import { DemoErrorCode } from './errors.js';

/** The mark the demo leaves in every data folder it makes. */
export const DEMO_MARKER_FILE = '.splitup-demo';

/** Empties (or makes) `dir` for a demo run and marks it; refuses a folder the demo did not make. */
export async function prepareDemoDataDir(dir: string): Promise<string> {
  const root = resolve(dir);
  const stat = await lstat(root).catch(() => undefined); // absent: made below
  if (stat !== undefined && !stat.isDirectory()) {
    throw new SplitUpError(
      DemoErrorCode.DATA_DIR_NOT_A_FOLDER,
      `--data-dir ${root} is not a folder (a file or a link); name a new folder`,
      { dir: root },
    );
  }
  const entries = stat === undefined ? [] : await readdir(root);
  if (entries.length > 0) {
    if (!entries.includes(DEMO_MARKER_FILE)) {
      throw new SplitUpError(
        DemoErrorCode.DATA_DIR_NOT_EMPTY,
        `--data-dir ${root} is not empty and the demo did not make it (no ${DEMO_MARKER_FILE}); the demo wipes its data folder before each run, so name a new or empty folder`,
        { dir: root },
      );
    }
    await rm(root, { recursive: true, force: true });
  }
  await mkdir(root, { recursive: true });
  await writeFile(
    join(root, DEMO_MARKER_FILE),
    'made by `splitup demo`, which wipes this folder on its next run\n',
  );
  return root;
}
