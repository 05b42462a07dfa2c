// Writes manifest.json into a bundle folder (task files are already there, written by extract).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type BundleManifest, MANIFEST_FILE } from '../../../storage/bundle/manifest.js';

export function writeManifest(dir: string, manifest: BundleManifest): string {
  const path = join(dir, MANIFEST_FILE);
  writeFileSync(path, `${JSON.stringify(manifest, null, 2)}\n`);
  return path;
}
