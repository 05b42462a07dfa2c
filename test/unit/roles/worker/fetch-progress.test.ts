import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FetchProgressReporter } from '../../../../node/roles/worker/fetch-progress.js';

const MB = 1_000_000;

test('a line when a file starts, then one per interval with percent, rate and time left, then one at the end', () => {
  const lines: Record<string, unknown>[] = [];
  let now = 10_000;
  const reporter = new FetchProgressReporter(
    (event, fields) => lines.push({ event, ...fields }),
    1_000,
    () => now,
  );
  const p = (bytes: number) => ({ file: 'task-00.weights', bytes, totalBytes: 100 * MB, cached: false });
  reporter.update(p(1 * MB));
  now += 500;
  reporter.update(p(10 * MB)); // inside the interval: no line
  now += 500;
  reporter.update(p(20 * MB)); // 1 s after the start: 20 MB/s, 80 MB left
  now += 200;
  reporter.update(p(22 * MB)); // inside the interval again
  now += 2_800;
  reporter.update(p(100 * MB)); // complete: always a line
  assert.deepEqual(
    lines.map((l) => [l.bytes, l.percent, l.mbps, l.etaS]),
    [
      [1 * MB, 1, undefined, undefined],
      [20 * MB, 20, 20, 4],
      [100 * MB, 100, 25, undefined],
    ],
  );
  assert.ok(lines.every((l) => l.event === 'worker.fetch' && l.file === 'task-00.weights'));
});

test('each new file gets its first line at once, and a cached file one line', () => {
  const lines: Record<string, unknown>[] = [];
  const reporter = new FetchProgressReporter(
    (_, fields) => lines.push(fields),
    60_000,
    () => 0,
  );
  reporter.update({ file: 'a.onnx', bytes: 0, totalBytes: undefined, cached: false });
  reporter.update({ file: 'a.onnx', bytes: 5, totalBytes: undefined, cached: false }); // no total yet
  reporter.update({ file: 'b.weights', bytes: 0, totalBytes: undefined, cached: true });
  assert.deepEqual(
    lines.map((l) => [l.file, l.cached, l.percent]),
    [
      ['a.onnx', false, undefined],
      ['b.weights', true, undefined],
    ],
  );
});
