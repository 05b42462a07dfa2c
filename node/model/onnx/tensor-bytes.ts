// Size in bytes of an initializer as stored: raw data, external-data length, or typed fields.
import type { TensorProto } from 'onnx-buf';
import { elemTypeBytes } from './dtype.js';
import { externalRef, isExternal } from './external-data.js';

function elementCountOf(t: TensorProto): number {
  let n = 1;
  for (const d of t.dims) n *= Number(d);
  return n;
}

export function initializerBytes(t: TensorProto): number {
  if (isExternal(t)) {
    const ref = externalRef(t);
    if (ref.length !== undefined) return ref.length;
  }
  if (t.rawData.length > 0) return t.rawData.length;
  const per = elemTypeBytes(t.dataType);
  if (per !== undefined) return elementCountOf(t) * per;
  return t.stringData.reduce((s, b) => s + b.length, 0);
}
