// Prints, per task of one or more bundles, the manifest's memory estimate next to what a fresh
// onnxruntime session really takes (process memory growth for create + one run), and the ratios.
// Usage: node --import tsx scripts/measure-bundle-memory.ts <bundle-dir> [...]
import { measureBundleMemory } from '../node/model/measure-memory.js';
import { formatSize } from '../node/util/size.js';

const dirs = process.argv.slice(2);
if (dirs.length === 0) {
  console.error('usage: measure-bundle-memory <bundle-dir> [...]');
  process.exit(2);
}
for (const dir of dirs) {
  const rows = await measureBundleMemory(dir);
  console.log(
    `${dir} (onnxruntime fixed cost per process: ${formatSize(rows[0]?.runtimeBaselineBytes ?? 0)})`,
  );
  for (const r of rows) {
    console.log(
      `  ${r.task}  estimate ${formatSize(r.estimateBytes)}  measured ${formatSize(r.measuredBytes)}  ratio ${r.ratio.toFixed(2)}  ratio without runtime fixed cost ${r.ratioOverBaseline.toFixed(2)}`,
    );
  }
}
