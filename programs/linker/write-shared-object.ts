import {
  DF_TEXTREL,
  DT_FLAGS,
  DT_NULL,
  DT_REL,
  DT_RELENT,
  DT_RELSZ,
  DT_STRSZ,
  DT_STRTAB,
  DT_SYMENT,
  DT_SYMTAB,
  DT_TEXTREL,
  DYN_SIZE,
  EHDR_SIZE,
  EM_BPF,
  ET_DYN,
  INSN_SIZE,
  PF_R,
  PF_X,
  PHDR_SIZE,
  PT_DYNAMIC,
  PT_LOAD,
  R_BPF_64_32,
  REL_SIZE,
  SHDR_SIZE,
  SHF_ALLOC,
  SHF_EXECINSTR,
  SHT_DYNAMIC,
  SHT_DYNSYM,
  SHT_PROGBITS,
  SHT_REL,
  SHT_STRTAB,
  STB_GLOBAL,
  STT_NOTYPE,
  SYM_SIZE,
} from './elf-constants.js';

export interface SharedObjectLayout {
  textOffset: number;
  rodataOffset: number;
}

/** ELF header, then PT_LOAD text, PT_LOAD rodata, PT_LOAD dynamic tables, PT_DYNAMIC. */
const PROGRAM_HEADER_COUNT = 4;
const TABLE_ALIGN = 8;

function alignUp(n: number, to: number): number {
  return Math.ceil(n / to) * to;
}

/** Text sits right after the headers, read-only data right after text; file offset == address. */
export function planLayout(textSize: number, rodataAlign: number): SharedObjectLayout {
  const textOffset = alignUp(EHDR_SIZE + PROGRAM_HEADER_COUNT * PHDR_SIZE, INSN_SIZE);
  return { textOffset, rodataOffset: alignUp(textOffset + textSize, Math.max(TABLE_ALIGN, rodataAlign)) };
}

export interface SharedObjectParts {
  layout: SharedObjectLayout;
  text: Uint8Array;
  rodata: Uint8Array;
  /** File offset (== address) of the entrypoint instruction. */
  entry: number;
  /** Undefined symbols called from text, in .dynsym order (index 0 is the null symbol). */
  syscalls: string[];
  /** Call sites to patch with syscall hashes: file offset of the instruction, .dynsym index. */
  relocations: { offset: number; symbol: number }[];
}

class StringTable {
  bytes: number[] = [0];
  add(s: string): number {
    const at = this.bytes.length;
    this.bytes.push(...new TextEncoder().encode(s), 0);
    return at;
  }
}

/**
 * Writes the SBPF v0 shared object. Every allocated section has sh_addr == sh_offset, as the
 * loader requires; sections are in ascending file order; tables are 8-byte aligned.
 */
export function writeSharedObject(parts: SharedObjectParts): Uint8Array {
  const { layout, text, rodata } = parts;
  const shstr = new StringTable();
  const dynstr = new StringTable();
  const dynsymNames = parts.syscalls.map((n) => dynstr.add(n));
  const hasRelocations = parts.relocations.length > 0;

  const textEnd = layout.textOffset + text.length;
  const rodataEnd = layout.rodataOffset + rodata.length;
  const dynamicOffset = alignUp(rodata.length > 0 ? rodataEnd : textEnd, TABLE_ALIGN);
  const dynamicEntries: [number, number][] = [];
  // The entry count is fixed first, because the tables after .dynamic depend on it.
  const dynamicCount = (hasRelocations ? 5 : 0) + 5;
  const dynsymAt = dynamicOffset + dynamicCount * DYN_SIZE;
  const dynsymSize = (parts.syscalls.length + 1) * SYM_SIZE;
  const dynstrAt = dynsymAt + dynsymSize;
  const dynstrSize = dynstr.bytes.length;
  const relAt = alignUp(dynstrAt + dynstrSize, TABLE_ALIGN);
  const relSize = parts.relocations.length * REL_SIZE;
  if (hasRelocations) {
    dynamicEntries.push([DT_REL, relAt], [DT_RELSZ, relSize], [DT_RELENT, REL_SIZE], [DT_TEXTREL, 0]);
    dynamicEntries.push([DT_FLAGS, DF_TEXTREL]);
  }
  dynamicEntries.push(
    [DT_SYMTAB, dynsymAt],
    [DT_SYMENT, SYM_SIZE],
    [DT_STRTAB, dynstrAt],
    [DT_STRSZ, dynstrSize],
  );
  dynamicEntries.push([DT_NULL, 0]);
  const dynEnd = hasRelocations ? relAt + relSize : dynstrAt + dynstrSize;

  const sections: {
    name: string;
    type: number;
    flags: number;
    offset: number;
    size: number;
    link?: number;
    info?: number;
    align: number;
    entsize?: number;
  }[] = [{ name: '', type: 0, flags: 0, offset: 0, size: 0, align: 0 }];
  sections.push({
    name: '.text',
    type: SHT_PROGBITS,
    flags: SHF_ALLOC | SHF_EXECINSTR,
    offset: layout.textOffset,
    size: text.length,
    align: INSN_SIZE,
  });
  if (rodata.length > 0)
    sections.push({
      name: '.rodata',
      type: SHT_PROGBITS,
      flags: SHF_ALLOC,
      offset: layout.rodataOffset,
      size: rodata.length,
      align: TABLE_ALIGN,
    });
  const dynamicIndex = sections.length;
  const dynstrIndex = dynamicIndex + 2;
  const dynsymIndex = dynamicIndex + 1;
  sections.push({
    name: '.dynamic',
    type: SHT_DYNAMIC,
    flags: SHF_ALLOC,
    offset: dynamicOffset,
    size: dynamicCount * DYN_SIZE,
    link: dynstrIndex,
    align: TABLE_ALIGN,
    entsize: DYN_SIZE,
  });
  sections.push({
    name: '.dynsym',
    type: SHT_DYNSYM,
    flags: SHF_ALLOC,
    offset: dynsymAt,
    size: dynsymSize,
    link: dynstrIndex,
    info: 1,
    align: TABLE_ALIGN,
    entsize: SYM_SIZE,
  });
  sections.push({
    name: '.dynstr',
    type: SHT_STRTAB,
    flags: SHF_ALLOC,
    offset: dynstrAt,
    size: dynstrSize,
    align: 1,
  });
  if (hasRelocations)
    sections.push({
      name: '.rel.dyn',
      type: SHT_REL,
      flags: SHF_ALLOC,
      offset: relAt,
      size: relSize,
      link: dynsymIndex,
      align: TABLE_ALIGN,
      entsize: REL_SIZE,
    });
  const shstrIndex = sections.length;
  sections.push({ name: '.shstrtab', type: SHT_STRTAB, flags: 0, offset: dynEnd, size: 0, align: 1 });
  const nameOffsets = sections.map((s) => (s.name ? shstr.add(s.name) : 0));
  sections[shstrIndex]!.size = shstr.bytes.length;
  const shoff = alignUp(dynEnd + shstr.bytes.length, TABLE_ALIGN);
  const fileSize = shoff + sections.length * SHDR_SIZE;

  const out = new Uint8Array(fileSize);
  const v = new DataView(out.buffer);
  const u64 = (at: number, n: number | bigint) => v.setBigUint64(at, BigInt(n), true);

  // ELF header.
  out.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0], 0);
  v.setUint16(16, ET_DYN, true);
  v.setUint16(18, EM_BPF, true);
  v.setUint32(20, 1, true);
  u64(24, parts.entry);
  u64(32, EHDR_SIZE);
  u64(40, shoff);
  v.setUint32(48, 0, true);
  v.setUint16(52, EHDR_SIZE, true);
  v.setUint16(54, PHDR_SIZE, true);
  v.setUint16(56, PROGRAM_HEADER_COUNT, true);
  v.setUint16(58, SHDR_SIZE, true);
  v.setUint16(60, sections.length, true);
  v.setUint16(62, shstrIndex, true);

  // Program headers, ascending p_vaddr.
  const phdrs: [number, number, number, number, number][] = [
    [PT_LOAD, PF_R | PF_X, layout.textOffset, text.length, INSN_SIZE],
    [PT_LOAD, PF_R, layout.rodataOffset, rodata.length, TABLE_ALIGN],
    [PT_LOAD, PF_R, dynamicOffset, dynEnd - dynamicOffset, TABLE_ALIGN],
    [PT_DYNAMIC, PF_R, dynamicOffset, dynamicCount * DYN_SIZE, TABLE_ALIGN],
  ];
  phdrs.forEach(([type, flags, offset, size, align], i) => {
    const at = EHDR_SIZE + i * PHDR_SIZE;
    v.setUint32(at, type, true);
    v.setUint32(at + 4, flags, true);
    u64(at + 8, offset);
    u64(at + 16, offset);
    u64(at + 24, offset);
    u64(at + 32, size);
    u64(at + 40, size);
    u64(at + 48, align);
  });

  out.set(text, layout.textOffset);
  out.set(rodata, layout.rodataOffset);
  dynamicEntries.forEach(([tag, val], i) => {
    u64(dynamicOffset + i * DYN_SIZE, tag);
    u64(dynamicOffset + i * DYN_SIZE + 8, val);
  });
  dynsymNames.forEach((name, i) => {
    const at = dynsymAt + (i + 1) * SYM_SIZE;
    v.setUint32(at, name, true);
    out[at + 4] = (STB_GLOBAL << 4) | STT_NOTYPE;
  });
  out.set(dynstr.bytes, dynstrAt);
  parts.relocations.forEach((r, i) => {
    u64(relAt + i * REL_SIZE, r.offset);
    u64(relAt + i * REL_SIZE + 8, (BigInt(r.symbol) << 32n) | BigInt(R_BPF_64_32));
  });
  out.set(shstr.bytes, dynEnd);
  sections.forEach((s, i) => {
    const at = shoff + i * SHDR_SIZE;
    v.setUint32(at, nameOffsets[i]!, true);
    v.setUint32(at + 4, s.type, true);
    u64(at + 8, s.flags);
    u64(at + 16, s.flags & SHF_ALLOC ? s.offset : 0);
    u64(at + 24, s.offset);
    u64(at + 32, s.size);
    v.setUint32(at + 40, s.link ?? 0, true);
    v.setUint32(at + 44, s.info ?? 0, true);
    u64(at + 48, s.align);
    u64(at + 56, s.entsize ?? 0);
  });
  return out;
}
