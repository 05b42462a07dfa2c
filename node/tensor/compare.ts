// Compares two tensors: bit-for-bit, and by the largest absolute difference of their values.
import { type DType, elementCount, type Tensor } from '../../storage/tensors/tensor.js';

export interface TensorComparison {
  bitIdentical: boolean;
  /**
   * Largest |a - b| over elements; 0 when bit-identical; null when not comparable (dtype or
   * shape differ, or NaN in one tensor where the other has a number).
   */
  maxAbsDiff: number | null;
}

/** IEEE half precision bits -> number. */
export function halfToNumber(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exp = (bits >> 10) & 0x1f;
  const frac = bits & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 0x1f) return frac === 0 ? sign * Number.POSITIVE_INFINITY : Number.NaN;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

/** Reads element i of a tensor as a number (64-bit integers may lose precision beyond 2^53). */
function elementReader(t: Tensor): (i: number) => number {
  const view = new DataView(t.data.buffer, t.data.byteOffset, t.data.byteLength);
  const readers: Record<DType, (i: number) => number> = {
    float32: (i) => view.getFloat32(i * 4, true),
    float16: (i) => halfToNumber(view.getUint16(i * 2, true)),
    bfloat16: (i) => {
      const f = new DataView(new ArrayBuffer(4));
      f.setUint32(0, view.getUint16(i * 2, true) << 16, false);
      return f.getFloat32(0, false);
    },
    float64: (i) => view.getFloat64(i * 8, true),
    int8: (i) => view.getInt8(i),
    uint8: (i) => view.getUint8(i),
    bool: (i) => view.getUint8(i),
    int16: (i) => view.getInt16(i * 2, true),
    uint16: (i) => view.getUint16(i * 2, true),
    int32: (i) => view.getInt32(i * 4, true),
    uint32: (i) => view.getUint32(i * 4, true),
    int64: (i) => Number(view.getBigInt64(i * 8, true)),
    uint64: (i) => Number(view.getBigUint64(i * 8, true)),
  };
  return readers[t.dtype];
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.byteLength === b.byteLength && Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(b);
}

export function compareTensors(a: Tensor, b: Tensor): TensorComparison {
  const sameShape = a.shape.length === b.shape.length && a.shape.every((d, i) => d === b.shape[i]);
  if (a.dtype !== b.dtype || !sameShape) return { bitIdentical: false, maxAbsDiff: null };
  if (sameBytes(a.data, b.data)) return { bitIdentical: true, maxAbsDiff: 0 };
  const readA = elementReader(a);
  const readB = elementReader(b);
  const n = elementCount(a.shape);
  let max = 0;
  for (let i = 0; i < n; i++) {
    const x = readA(i);
    const y = readB(i);
    if (Number.isNaN(x) || Number.isNaN(y)) {
      if (Number.isNaN(x) && Number.isNaN(y)) continue;
      return { bitIdentical: false, maxAbsDiff: null };
    }
    // Equal infinities differ by NaN; treat them as equal.
    const d = x === y ? 0 : Math.abs(x - y);
    if (d > max) max = d;
  }
  return { bitIdentical: false, maxAbsDiff: max };
}
