import {
  INSN_SIZE,
  MM_PROGRAM_START,
  OPC_CALL_IMM,
  OPC_LDDW,
  R_BPF_64_32,
  R_BPF_64_64,
  R_BPF_64_ABS64,
  R_BPF_NONE,
  SHF_ALLOC,
  SHF_EXECINSTR,
  SHF_WRITE,
  SHN_ABS,
  SHN_COMMON,
  SHN_UNDEF,
  SHT_NOBITS,
  SHT_PROGBITS,
  STB_LOCAL,
  STT_SECTION,
} from './elf-constants.js';
import { LinkError, LinkErrorCode } from './errors.js';
import type { ObjectFile, ObjectSection, ObjectSymbol } from './read-object.js';
import { validateText } from './validate-text.js';
import { planLayout, writeSharedObject } from './write-shared-object.js';

export interface LinkOptions {
  /** Name of the function the loader starts at. */
  entry?: string;
}

/** Where an input section landed: in the merged text or the merged read-only data. */
interface Placement {
  kind: 'text' | 'rodata';
  offset: number;
}

const DEFAULT_ENTRY = 'entrypoint';

function alignUp(n: number, to: number): number {
  return Math.ceil(n / to) * to;
}

function isText(s: ObjectSection): boolean {
  return (s.flags & SHF_ALLOC) !== 0 && (s.flags & SHF_EXECINSTR) !== 0 && s.size > 0;
}

function isReadOnlyData(s: ObjectSection): boolean {
  return (
    (s.flags & SHF_ALLOC) !== 0 &&
    (s.flags & (SHF_EXECINSTR | SHF_WRITE)) === 0 &&
    s.type === SHT_PROGBITS &&
    s.size > 0
  );
}

function isWritableData(s: ObjectSection): boolean {
  return (s.flags & SHF_ALLOC) !== 0 && ((s.flags & SHF_WRITE) !== 0 || s.type === SHT_NOBITS) && s.size > 0;
}

/**
 * Links BPF relocatable objects into an SBPF v0 shared object the Solana loader accepts:
 * calls to defined functions become pc-relative `call imm`, data addresses are resolved to
 * their final virtual address, and calls to undefined symbols stay `call -1` with an
 * R_BPF_64_32 dynamic relocation naming the syscall.
 */
export function link(objects: ObjectFile[], options: LinkOptions = {}): Uint8Array {
  const entry = options.entry ?? DEFAULT_ENTRY;
  const placements = objects.map(() => new Map<number, Placement>());
  let textSize = 0;
  let rodataSize = 0;
  let rodataAlign = 8;
  objects.forEach((obj, o) => {
    for (const s of obj.sections) {
      if (isWritableData(s)) {
        const names = obj.symbols.filter((y) => y.shndx === s.index && y.name).map((y) => y.name);
        throw new LinkError(
          LinkErrorCode.WRITABLE_DATA,
          `${obj.path}: section ${s.name} is writable (${names.join(', ') || 'no symbol'}); SBPF programs have no writable globals`,
        );
      }
      if (isText(s)) {
        textSize = alignUp(textSize, INSN_SIZE);
        placements[o]!.set(s.index, { kind: 'text', offset: textSize });
        textSize += s.size;
      } else if (isReadOnlyData(s)) {
        rodataAlign = Math.max(rodataAlign, s.align);
        rodataSize = alignUp(rodataSize, s.align);
        placements[o]!.set(s.index, { kind: 'rodata', offset: rodataSize });
        rodataSize += s.size;
      }
    }
  });

  const text = new Uint8Array(textSize);
  const rodata = new Uint8Array(rodataSize);
  objects.forEach((obj, o) => {
    for (const [index, p] of placements[o]!) {
      (p.kind === 'text' ? text : rodata).set(obj.sections[index]!.data, p.offset);
    }
  });

  // Global symbols across all objects.
  const globals = new Map<string, { o: number; sym: ObjectSymbol }>();
  objects.forEach((obj, o) => {
    for (const sym of obj.symbols) {
      if (sym.bind === STB_LOCAL || sym.shndx === SHN_UNDEF || !sym.name) continue;
      if (sym.shndx === SHN_COMMON)
        throw new LinkError(
          LinkErrorCode.WRITABLE_DATA,
          `${obj.path}: common symbol ${sym.name} is a writable global`,
        );
      const prior = globals.get(sym.name);
      if (prior && prior.sym.bind !== 2 && sym.bind !== 2)
        throw new LinkError(
          LinkErrorCode.DUPLICATE_SYMBOL,
          `${sym.name} is defined in both ${objects[prior.o]!.path} and ${obj.path}`,
        );
      if (!prior || prior.sym.bind === 2) globals.set(sym.name, { o, sym });
    }
  });

  const layout = planLayout(text.length, rodataAlign);

  /** Final address of a defined symbol, as a placement plus offset, or undefined. */
  const resolve = (o: number, symIndex: number): Placement | 'undefined' => {
    let owner = o;
    let sym = objects[o]!.symbols[symIndex];
    if (!sym)
      throw new LinkError(
        LinkErrorCode.BAD_OBJECT,
        `${objects[o]!.path}: relocation names symbol ${symIndex}`,
      );
    if (sym.shndx === SHN_UNDEF) {
      const def = globals.get(sym.name);
      if (!def) return 'undefined';
      owner = def.o;
      sym = def.sym;
    }
    if (sym.shndx === SHN_ABS)
      throw new LinkError(LinkErrorCode.BAD_OBJECT, `${objects[owner]!.path}: absolute symbol ${sym.name}`);
    const p = placements[owner]!.get(sym.shndx);
    if (!p)
      throw new LinkError(
        LinkErrorCode.BAD_OBJECT,
        `${objects[owner]!.path}: symbol ${sym.name} lives in section ${sym.shndx}, which is not linked`,
      );
    return { kind: p.kind, offset: p.offset + (sym.type === STT_SECTION ? 0 : sym.value) };
  };
  const fileOffset = (p: Placement) =>
    (p.kind === 'text' ? layout.textOffset : layout.rodataOffset) + p.offset;

  const syscalls: string[] = [];
  const dynamicRelocations: { offset: number; symbol: number }[] = [];
  const textView = new DataView(text.buffer);
  const rodataView = new DataView(rodata.buffer);

  objects.forEach((obj, o) => {
    for (const [index, place] of placements[o]!) {
      const section = obj.sections[index]!;
      for (const r of section.relocations) {
        if (r.type === R_BPF_NONE) continue;
        const at = place.offset + r.offset;
        const target = resolve(o, r.symbol);
        const symName = obj.symbols[r.symbol]?.name ?? String(r.symbol);
        if (place.kind === 'text' && r.type === R_BPF_64_32) {
          if (text[at] !== OPC_CALL_IMM)
            throw new LinkError(
              LinkErrorCode.BAD_INSTRUCTION,
              `${obj.path}: R_BPF_64_32 at ${at} is not a call`,
            );
          if (target === 'undefined') {
            let id = syscalls.indexOf(symName);
            if (id < 0) id = syscalls.push(symName) - 1;
            textView.setInt32(at + 4, -1, true);
            dynamicRelocations.push({ offset: layout.textOffset + at, symbol: id + 1 });
            continue;
          }
          if (target.kind !== 'text')
            throw new LinkError(LinkErrorCode.BAD_INSTRUCTION, `${obj.path}: call to data symbol ${symName}`);
          const addend = Number(r.addend ?? BigInt(textView.getInt32(at + 4, true)));
          const targetByte = target.offset + (addend + 1) * INSN_SIZE;
          const rel = (targetByte - at) / INSN_SIZE - 1;
          if (!Number.isInteger(rel) || targetByte < 0 || targetByte >= text.length)
            throw new LinkError(
              LinkErrorCode.CALL_OUT_OF_RANGE,
              `${obj.path}: call to ${symName} lands outside .text`,
            );
          textView.setInt32(at + 4, rel, true);
          continue;
        }
        if (target === 'undefined')
          throw new LinkError(
            LinkErrorCode.UNDEFINED_DATA_SYMBOL,
            `${obj.path}: ${symName} is referenced as data but defined nowhere`,
          );
        if (place.kind === 'text' && r.type === R_BPF_64_64) {
          if (text[at] !== OPC_LDDW)
            throw new LinkError(
              LinkErrorCode.BAD_INSTRUCTION,
              `${obj.path}: R_BPF_64_64 at ${at} is not lddw`,
            );
          const addend = r.addend ?? BigInt(textView.getUint32(at + 4, true));
          const addr = MM_PROGRAM_START + BigInt(fileOffset(target)) + addend;
          textView.setUint32(at + 4, Number(addr & 0xffffffffn), true);
          textView.setUint32(at + 12, Number(addr >> 32n), true);
          continue;
        }
        if (place.kind === 'rodata' && r.type === R_BPF_64_ABS64) {
          const addend = r.addend ?? rodataView.getBigUint64(at, true);
          rodataView.setBigUint64(at, MM_PROGRAM_START + BigInt(fileOffset(target)) + addend, true);
          continue;
        }
        throw new LinkError(
          LinkErrorCode.UNSUPPORTED_RELOCATION,
          `${obj.path}: relocation type ${r.type} against ${symName} in ${section.name} is not supported`,
        );
      }
    }
  });

  const entrySym = globals.get(entry);
  if (!entrySym) throw new LinkError(LinkErrorCode.NO_ENTRYPOINT, `no global function named ${entry}`);
  const entryPlace = resolve(entrySym.o, objects[entrySym.o]!.symbols.indexOf(entrySym.sym));
  if (entryPlace === 'undefined' || entryPlace.kind !== 'text')
    throw new LinkError(LinkErrorCode.NO_ENTRYPOINT, `${entry} is not a function in .text`);

  validateText(text);
  return writeSharedObject({
    layout,
    text,
    rodata,
    entry: fileOffset(entryPlace),
    syscalls,
    relocations: dynamicRelocations,
  });
}
