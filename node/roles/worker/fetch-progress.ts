// Progress of a worker's weight fetch as log lines a person can follow: one when a file starts,
// then at most one per interval with percent, rate and time left, and one when it is complete.
// (A daemon's output is a log, often JSON, not a terminal: a redrawn bar would garble it.)
import type { TaskFileProgress } from '../../../protocols/blocks/index.js';

/** Seconds between progress lines of one file. */
export const PROGRESS_INTERVAL_MS = 2_000;

export type ProgressLog = (event: string, fields: Record<string, unknown>) => void;

export class FetchProgressReporter {
  private file: string | undefined;
  private startedAt = 0;
  private lastAt = 0;

  constructor(
    private readonly log: ProgressLog,
    private readonly intervalMs = PROGRESS_INTERVAL_MS,
    private readonly now: () => number = Date.now,
  ) {}

  update(p: TaskFileProgress): void {
    const now = this.now();
    const first = p.file !== this.file;
    const done = p.totalBytes !== undefined && p.bytes >= p.totalBytes;
    if (first) {
      this.file = p.file;
      this.startedAt = now;
    } else if (!done && now - this.lastAt < this.intervalMs) return;
    this.lastAt = now;
    const fields: Record<string, unknown> = {
      file: p.file,
      bytes: p.bytes,
      totalBytes: p.totalBytes,
      cached: p.cached,
    };
    const seconds = (now - this.startedAt) / 1000;
    if (p.totalBytes !== undefined && p.totalBytes > 0) {
      fields.percent = Math.min(100, Math.floor((100 * p.bytes) / p.totalBytes));
    }
    if (!first && seconds > 0) {
      const bytesPerS = p.bytes / seconds;
      fields.mbps = Math.round(bytesPerS / 1e5) / 10;
      if (p.totalBytes !== undefined && !done && bytesPerS > 0) {
        fields.etaS = Math.ceil((p.totalBytes - p.bytes) / bytesPerS);
      }
    }
    this.log('worker.fetch', fields);
  }
}
