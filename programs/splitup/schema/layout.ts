import assert from 'node:assert/strict';
import type { FieldType, StructDef } from './types.js';

export interface FieldLayout {
  name: string;
  offset: number;
  size: number;
}

export interface StructLayout {
  size: number;
  align: number;
  fields: FieldLayout[];
}

const PRIMITIVE_SIZE: Record<string, number> = { u8: 1, bool: 1, u16: 2, u32: 4, u64: 8, i64: 8, pubkey: 32 };
const PRIMITIVE_ALIGN: Record<string, number> = { u8: 1, bool: 1, u16: 2, u32: 4, u64: 8, i64: 8, pubkey: 1 };

/** Computes Borsh offsets and proves they equal the C layout: no field needs implicit padding. */
export function layoutStructs(structs: StructDef[]): Map<string, StructLayout> {
  const done = new Map<string, StructLayout>();
  const sizeAlign = (t: FieldType): { size: number; align: number } => {
    if (typeof t === 'string') return { size: PRIMITIVE_SIZE[t]!, align: PRIMITIVE_ALIGN[t]! };
    if ('array' in t) {
      const inner = sizeAlign(t.array[0]);
      return { size: inner.size * t.array[1], align: inner.align };
    }
    const def = done.get(t.defined);
    assert(def, `struct ${t.defined} is used before it is defined`);
    return def;
  };
  for (const s of structs) {
    let offset = 0;
    let align = 1;
    const fields = s.fields.map((f) => {
      const fa = sizeAlign(f.type);
      assert(
        offset % fa.align === 0,
        `${s.name}.${f.name} at offset ${offset} is not ${fa.align}-aligned; reorder or pad`,
      );
      align = Math.max(align, fa.align);
      const out = { name: f.name, offset, size: fa.size };
      offset += fa.size;
      return out;
    });
    assert(offset % align === 0, `${s.name} size ${offset} is not a multiple of its alignment ${align}`);
    done.set(s.name, { size: offset, align, fields });
  }
  return done;
}
