// The tasks of a bundle as a text table: one row per task (id, nodes, weights, VRAM estimate, compute units,
// inputs, outputs), then totals.

import type { BundleManifest } from '../../../storage/bundle/manifest.js';
import type { TensorSpec } from '../../../storage/tensors/tensor.js';
import { formatSize } from '../../util/size.js';

/** Longest tensor list printed in full; longer lists show the first ones and a count. */
const MAX_LISTED_TENSORS = 3;

function listTensors(specs: readonly TensorSpec[]): string {
  const names = specs.map((s) => s.name);
  if (names.length <= MAX_LISTED_TENSORS) return names.join(', ') || '-';
  return `${names.slice(0, MAX_LISTED_TENSORS).join(', ')} +${names.length - MAX_LISTED_TENSORS} more`;
}

function formatComputeUnits(units: number): string {
  const scales: [number, string][] = [
    [1e12, 'T'],
    [1e9, 'G'],
    [1e6, 'M'],
    [1e3, 'k'],
  ];
  for (const [scale, suffix] of scales) if (units >= scale) return `${(units / scale).toFixed(2)}${suffix}`;
  return String(units);
}

export function taskTable(manifest: BundleManifest): string[] {
  const header = ['task', 'nodes', 'weights', 'vram est.', 'compute', 'inputs', 'outputs'];
  const rows = manifest.tasks.map((t) => [
    t.id,
    String(t.nodeCount),
    formatSize(t.weights.reduce((s, w) => s + w.bytes, 0)),
    formatSize(t.vramBytes),
    formatComputeUnits(t.computeUnits),
    listTensors(t.inputs),
    listTensors(t.outputs),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i >= 1 && i <= 4 ? c.padStart(widths[i] as number) : c.padEnd(widths[i] as number)))
      .join('  ')
      .trimEnd();
  const totalVram = Math.max(0, ...manifest.tasks.map((t) => t.vramBytes));
  return [
    line(header),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map(line),
    '',
    `${manifest.tasks.length} tasks, largest estimate ${formatSize(totalVram)} of the ${formatSize(manifest.targetVramBytes)} target, ` +
      `${formatComputeUnits(manifest.tasks.reduce((s, t) => s + t.computeUnits, 0))} compute units in all`,
  ];
}
