import { discriminator } from './emit-c.js';
import type { ErrorDef, FieldType, InstructionDef, StructDef } from './types.js';

type IdlType = string | { array: [IdlType, number] } | { defined: { name: string } };

function idlType(t: FieldType): IdlType {
  if (typeof t === 'string') return t;
  if ('array' in t) return { array: [idlType(t.array[0]), t.array[1]] };
  return { defined: { name: t.defined } };
}

export interface IdlInput {
  address: string;
  name: string;
  version: string;
  structs: StructDef[];
  accounts: string[];
  instructions: InstructionDef[];
  errors: ErrorDef[];
}

/** Anchor IDL, spec 0.1.0 (Anchor 0.30+): explicit discriminators, program address, snake_case names. */
export function emitIdl(input: IdlInput): Record<string, unknown> {
  return {
    address: input.address,
    metadata: {
      name: input.name,
      version: input.version,
      spec: '0.1.0',
      description: 'SplitUp settlement: stake, committee, tasks, executions, Proof-of-Sampling verification',
    },
    instructions: input.instructions.map((ix) => ({
      name: ix.name,
      docs: [ix.doc],
      discriminator: discriminator('global', ix.name),
      accounts: ix.accounts.map((a) => ({
        name: a.name,
        docs: [a.doc],
        ...(a.writable ? { writable: true } : {}),
        ...(a.signer ? { signer: true } : {}),
        ...(a.address ? { address: a.address } : {}),
      })),
      args: ix.args ? [{ name: 'args', type: { defined: { name: ix.args } } }] : [],
    })),
    accounts: input.accounts.map((name) => ({ name, discriminator: discriminator('account', name) })),
    errors: input.errors.map((e) => ({ code: e.code, name: e.name, msg: e.msg })),
    types: input.structs.map((s) => ({
      name: s.name,
      docs: [s.doc],
      type: {
        kind: 'struct',
        fields: s.fields.map((f) => ({
          name: f.name,
          ...(f.doc ? { docs: [f.doc] } : {}),
          type: idlType(f.type),
        })),
      },
    })),
  };
}
