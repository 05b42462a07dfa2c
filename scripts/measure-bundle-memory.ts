// Prints, per task of one or more bundles, the manifest's memory estimate next to what a fresh
// onnxruntime session really takes (process memory growth for create + one run), and the ratios.
// Usage: node --import tsx scripts/measure-bundle-memory.ts [--no-arena] <bundle-dir> [...]

import { formatSize } from '../node/util/size.js';
import { measureBundleMemory } from './lib/measure-memory.js';

const args = process.argv.slice(2);
const arena = !args.includes('--no-arena');
const dirs = args.filter((a) => a !== '--no-arena');
if (dirs.length === 0) {
  console.error('usage: measure-bundle-memory [--no-arena] <bundle-dir> [...]');
  process.exit(2);
}
for (const dir of dirs) {
  const rows = await measureBundleMemory(dir, { arena });
  const baseline = formatSize(rows[0]?.runtimeBaselineBytes ?? 0);
  console.log(`${dir}${arena ? '' : ' (CPU arena off)'} (onnxruntime fixed cost per process: ${baseline})`);
  for (const r of rows) {
    const own = r.ratioOverBaseline?.toFixed(2) ?? 'n/a';
    console.log(
      `  ${r.task}  estimate ${formatSize(r.estimateBytes)}  measured ${formatSize(r.measuredBytes)}  ratio ${r.ratio.toFixed(2)}  ratio without runtime fixed cost ${own}`,
    );
  }
}
