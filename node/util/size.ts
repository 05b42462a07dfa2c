// Byte sizes as users type them (`12GB`, `512MiB`, `1.5 GiB`, `4096`) and as we print them.
import { SplitUpError } from '../errors.js';
import { SizeErrorCode } from './errors.js';

const UNITS: Readonly<Record<string, number>> = {
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  kib: 2 ** 10,
  mib: 2 ** 20,
  gib: 2 ** 30,
  tib: 2 ** 40,
  k: 2 ** 10,
  m: 2 ** 20,
  g: 2 ** 30,
};

const SIZE_PATTERN = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/;

/** Parses a size: decimal units (KB, MB, GB, TB) are powers of 1000, binary ones (KiB, MiB, GiB) of 1024. */
export function parseSize(text: string): number {
  const m = SIZE_PATTERN.exec(text);
  const unit = m ? (m[2] ?? '').toLowerCase() : '';
  const factor = m ? (unit === '' ? 1 : UNITS[unit]) : undefined;
  if (!m || factor === undefined) {
    throw new SplitUpError(
      SizeErrorCode.INVALID,
      `'${text}' is not a size; write a number with an optional unit, e.g. 12GB, 512MiB or 1048576`,
      { text },
    );
  }
  const bytes = Math.round(Number(m[1]) * factor);
  if (!Number.isSafeInteger(bytes) || bytes <= 0) {
    throw new SplitUpError(SizeErrorCode.INVALID, `'${text}' must be a positive size`, { text });
  }
  return bytes;
}

/** Formats bytes with a binary unit, e.g. `1.50 GiB`, `512 B`. */
export function formatSize(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let i = 0;
  while (Math.abs(value) >= 1024 && i < units.length - 1) {
    value /= 1024;
    i++;
  }
  return i === 0 ? `${value} B` : `${value.toFixed(value >= 100 ? 0 : value >= 10 ? 1 : 2)} ${units[i]}`;
}
