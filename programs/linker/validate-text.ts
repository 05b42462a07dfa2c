import { INSN_SIZE, OPC_LDDW } from './elf-constants.js';
import { LinkError, LinkErrorCode } from './errors.js';

const CLASS_MASK = 0x07;
/** 32-bit ALU: SBPF v0 sign-extends its results where LLVM expects zero-extension. */
const CLASS_ALU32 = 0x04;
/** JMP32 (from -mcpu=v3): the SBPF v0 verifier rejects it. */
const CLASS_JMP32 = 0x06;

/** Refuses instructions that clang may emit but SBPF v0 runs differently or not at all. */
export function validateText(text: Uint8Array): void {
  if (text.length % INSN_SIZE !== 0)
    throw new LinkError(LinkErrorCode.BAD_INSTRUCTION, `.text is ${text.length} bytes, not a multiple of 8`);
  for (let at = 0; at < text.length; at += INSN_SIZE) {
    const opc = text[at]!;
    const cls = opc & CLASS_MASK;
    if (cls === CLASS_ALU32 || cls === CLASS_JMP32)
      throw new LinkError(
        LinkErrorCode.BAD_INSTRUCTION,
        `instruction ${at / INSN_SIZE} (opcode 0x${opc.toString(16)}) is 32-bit ALU/JMP32; build with -mcpu=v2 and no alu32`,
      );
    if (opc === OPC_LDDW) {
      if (at + 2 * INSN_SIZE > text.length || text[at + INSN_SIZE] !== 0)
        throw new LinkError(
          LinkErrorCode.BAD_INSTRUCTION,
          `lddw at instruction ${at / INSN_SIZE} has no second slot`,
        );
      at += INSN_SIZE;
    }
  }
}
