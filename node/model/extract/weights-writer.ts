// Writes one task's weights file: initializers appended one at a time at aligned offsets, so a
// multi-GB model never has all its weights in memory. Returns the external-data entries to use.
import { createHash } from 'node:crypto';
import { closeSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/** Offsets aligned for mmap-friendly, vector-aligned reads. */
const WEIGHT_ALIGNMENT = 64;

export class WeightsWriter {
  readonly file: string;
  private fd: number | undefined;
  private offset = 0;
  private readonly hash = createHash('sha256');

  constructor(
    readonly dir: string,
    readonly name: string,
  ) {
    this.file = join(dir, name);
  }

  get bytes(): number {
    return this.offset;
  }

  /** Appends `data`; returns its offset. */
  append(data: Uint8Array): number {
    if (this.fd === undefined) this.fd = openSync(this.file, 'w');
    const pad = (WEIGHT_ALIGNMENT - (this.offset % WEIGHT_ALIGNMENT)) % WEIGHT_ALIGNMENT;
    if (pad > 0) this.write(new Uint8Array(pad));
    const at = this.offset;
    this.write(data);
    return at;
  }

  private write(data: Uint8Array): void {
    let done = 0;
    while (done < data.length) done += writeSync(this.fd as number, data, done, data.length - done);
    this.hash.update(data);
    this.offset += data.length;
  }

  /** Closes the file; returns its sha256, or undefined when nothing was written (no file). */
  close(): string | undefined {
    if (this.fd === undefined) return undefined;
    closeSync(this.fd);
    this.fd = undefined;
    return this.hash.digest('hex');
  }
}
