// A deterministic pseudo-image for the demo (no image files ship with the models): float32 values
// in [-1, 1), PaddleOCR's normalized range, from a 32-bit xorshift generator.
import type { Tensor } from '../../storage/tensors/tensor.js';

export function seededImage(shape: readonly number[], seed = 1): Tensor {
  const values = new Float32Array(shape.reduce((a, b) => a * b, 1));
  let x = seed >>> 0 || 1;
  for (let i = 0; i < values.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    values[i] = ((x >>> 0) / 2 ** 32) * 2 - 1;
  }
  return { dtype: 'float32', shape: [...shape], data: new Uint8Array(values.buffer) };
}
