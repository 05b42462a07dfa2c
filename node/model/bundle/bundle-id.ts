// A bundle's identity: the sha256 of its manifest.json bytes. The manifest pins every task file
// and weights file by hash, so equal ids mean the same model, split the same way.
import { sha256Hex } from './hash.js';
import { readManifestBytes } from './read.js';

export function bundleIdOf(bundleDir: string): string {
  return sha256Hex(readManifestBytes(bundleDir));
}
