// Which tensor buffers can move between threads: only views that cover their whole ArrayBuffer,
// so handing over the buffer moves nothing else, and each buffer once (transferring twice throws).
import type { Tensor } from '../../storage/tensors/tensor.js';

/** True when the view covers its whole (non-shared) buffer. */
export function ownsBuffer(view: Uint8Array): boolean {
  return (
    view.byteOffset === 0 && view.byteLength === view.buffer.byteLength && view.buffer instanceof ArrayBuffer
  );
}

/** The buffers of `tensors` that can be transferred, each once. */
export function transferableBuffers(tensors: Iterable<Tensor>): ArrayBuffer[] {
  const seen = new Set<ArrayBuffer>();
  for (const t of tensors) if (ownsBuffer(t.data)) seen.add(t.data.buffer as ArrayBuffer);
  return [...seen];
}
