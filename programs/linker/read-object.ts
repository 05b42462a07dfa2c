import {
  EHDR_SIZE,
  EM_BPF,
  ET_REL,
  REL_SIZE,
  SHDR_SIZE,
  SHT_REL,
  SHT_RELA,
  SHT_STRTAB,
  SHT_SYMTAB,
  SYM_SIZE,
} from './elf-constants.js';
import { LinkError, LinkErrorCode } from './errors.js';

/** One section of a relocatable object, with the relocations that patch it. */
export interface ObjectSection {
  index: number;
  name: string;
  type: number;
  flags: number;
  align: number;
  size: number;
  /** Contents (empty for SHT_NOBITS). */
  data: Uint8Array;
  relocations: ObjectRelocation[];
}

export interface ObjectSymbol {
  name: string;
  bind: number;
  type: number;
  /** Section index, or SHN_UNDEF / SHN_ABS / SHN_COMMON. */
  shndx: number;
  value: number;
  size: number;
}

export interface ObjectRelocation {
  offset: number;
  type: number;
  symbol: number;
  /** Explicit addend (SHT_RELA only); REL relocations carry it in the patched bytes. */
  addend?: bigint;
}

export interface ObjectFile {
  path: string;
  sections: ObjectSection[];
  symbols: ObjectSymbol[];
}

function cString(bytes: Uint8Array, offset: number): string {
  let end = offset;
  while (end < bytes.length && bytes[end] !== 0) end++;
  return new TextDecoder().decode(bytes.subarray(offset, end));
}

/** Parses an ELF64 little-endian relocatable BPF object, as `clang --target=bpf -c` writes it. */
export function readObject(path: string, bytes: Uint8Array): ObjectFile {
  const bad = (why: string) => new LinkError(LinkErrorCode.BAD_OBJECT, `${path}: ${why}`);
  if (
    bytes.length < EHDR_SIZE ||
    bytes[0] !== 0x7f ||
    bytes[1] !== 0x45 ||
    bytes[2] !== 0x4c ||
    bytes[3] !== 0x46
  )
    throw bad('not an ELF file');
  if (bytes[4] !== 2 || bytes[5] !== 1) throw bad('not ELF64 little-endian');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint16(16, true) !== ET_REL) throw bad('not a relocatable object (ET_REL)');
  if (view.getUint16(18, true) !== EM_BPF) throw bad('not a BPF object (EM_BPF)');
  const shoff = Number(view.getBigUint64(40, true));
  const shnum = view.getUint16(60, true);
  const shstrndx = view.getUint16(62, true);
  if (shoff + shnum * SHDR_SIZE > bytes.length) throw bad('section header table out of bounds');

  const raw = Array.from({ length: shnum }, (_, i) => {
    const at = shoff + i * SHDR_SIZE;
    const type = view.getUint32(at + 4, true);
    const offset = Number(view.getBigUint64(at + 24, true));
    const size = Number(view.getBigUint64(at + 32, true));
    if (type !== 8 && offset + size > bytes.length) throw bad(`section ${i} out of bounds`);
    return {
      nameOff: view.getUint32(at, true),
      type,
      flags: Number(view.getBigUint64(at + 8, true)),
      offset,
      size,
      link: view.getUint32(at + 40, true),
      info: view.getUint32(at + 44, true),
      align: Number(view.getBigUint64(at + 48, true)),
    };
  });
  const shstr = raw[shstrndx];
  if (!shstr || shstr.type !== SHT_STRTAB) throw bad('no section name string table');
  const names = bytes.subarray(shstr.offset, shstr.offset + shstr.size);

  const sections: ObjectSection[] = raw.map((s, index) => ({
    index,
    name: cString(names, s.nameOff),
    type: s.type,
    flags: s.flags,
    align: Math.max(1, s.align),
    size: s.size,
    data: s.type === 8 ? new Uint8Array(0) : bytes.slice(s.offset, s.offset + s.size),
    relocations: [],
  }));

  const symtab = raw.findIndex((s) => s.type === SHT_SYMTAB);
  const symbols: ObjectSymbol[] = [];
  if (symtab >= 0) {
    const st = raw[symtab]!;
    const strtab = raw[st.link];
    if (!strtab) throw bad('symbol table has no string table');
    const strs = bytes.subarray(strtab.offset, strtab.offset + strtab.size);
    for (let at = st.offset; at + SYM_SIZE <= st.offset + st.size; at += SYM_SIZE) {
      const info = view.getUint8(at + 4);
      symbols.push({
        name: cString(strs, view.getUint32(at, true)),
        bind: info >> 4,
        type: info & 0xf,
        shndx: view.getUint16(at + 6, true),
        value: Number(view.getBigUint64(at + 8, true)),
        size: Number(view.getBigUint64(at + 16, true)),
      });
    }
  }

  raw.forEach((s, i) => {
    if (s.type !== SHT_REL && s.type !== SHT_RELA) return;
    const target = sections[s.info];
    if (!target) throw bad(`relocation section ${i} targets missing section ${s.info}`);
    const entSize = s.type === SHT_RELA ? REL_SIZE + 8 : REL_SIZE;
    for (let at = s.offset; at + entSize <= s.offset + s.size; at += entSize) {
      const info = view.getBigUint64(at + 8, true);
      target.relocations.push({
        offset: Number(view.getBigUint64(at, true)),
        type: Number(info & 0xffffffffn),
        symbol: Number(info >> 32n),
        ...(s.type === SHT_RELA ? { addend: view.getBigInt64(at + 16, true) } : {}),
      });
    }
  });
  return { path, sections, symbols };
}
