// A bundle's identity: the sha256 of its manifest.json bytes. The manifest pins every task file
// and weights file by hash, so equal ids mean the same model, split the same way.
import { join } from 'node:path';
import { MANIFEST_FILE } from '../../../storage/bundle/manifest.js';
import { sha256File } from './hash.js';

export function bundleIdOf(bundleDir: string): string {
  return sha256File(join(bundleDir, MANIFEST_FILE));
}
