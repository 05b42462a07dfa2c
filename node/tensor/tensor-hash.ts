// sha256 of a tensor's data bytes (little-endian, C order): the digest the tensor stream carries
// and a verifier compares. Dtype and shape travel beside it, not inside it.
import { createHash } from 'node:crypto';
import type { Tensor } from '../../storage/tensors/tensor.js';

export function tensorDataSha256(tensor: Tensor): string {
  return createHash('sha256').update(tensor.data).digest('hex');
}
