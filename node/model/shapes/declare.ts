// `--shape name=AxB` declarations: a model input's full shape (`input_ids=1x128`), or the value of
// one symbolic dimension by its name (`past_sequence_length=0`).
import { SplitUpError } from '../../errors.js';
import { ShapeErrorCode } from '../errors.js';

export interface ShapeDeclarations {
  /** Input name -> full shape. */
  tensors: Map<string, number[]>;
  /** Dims given by a single number, keyed by name: may name a symbolic dim or a rank-1 input. */
  scalars: Map<string, number>;
}

const DECLARATION = /^([^=\s]+)=(\d+(?:x\d+)*)$/;

export function parseShapeDeclarations(texts: readonly string[]): ShapeDeclarations {
  const tensors = new Map<string, number[]>();
  const scalars = new Map<string, number>();
  for (const text of texts) {
    const m = DECLARATION.exec(text.trim());
    if (!m) {
      throw new SplitUpError(
        ShapeErrorCode.DECLARATION_INVALID,
        `'${text}' is not a shape declaration; write name=AxB (e.g. input_ids=1x128) or dim_name=N`,
        { text },
      );
    }
    const name = m[1] as string;
    const dims = (m[2] as string).split('x').map(Number);
    if (tensors.has(name)) {
      throw new SplitUpError(ShapeErrorCode.DECLARATION_INVALID, `'${name}' is declared twice`, { name });
    }
    tensors.set(name, dims);
    if (dims.length === 1) scalars.set(name, dims[0] as number);
  }
  return { tensors, scalars };
}
