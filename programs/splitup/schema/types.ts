/** The vocabulary the layout source of truth is written in: fixed-size Borsh types only. */
export type Primitive = 'u8' | 'u16' | 'u32' | 'u64' | 'i64' | 'bool' | 'pubkey';
export type FieldType = Primitive | { array: [FieldType, number] } | { defined: string };

export interface Field {
  name: string;
  type: FieldType;
  doc?: string;
}

export interface StructDef {
  name: string;
  doc: string;
  fields: Field[];
}

export interface AccountMetaDef {
  name: string;
  writable?: boolean;
  signer?: boolean;
  /** Fixed address (a program or sysvar) the client fills in by itself. */
  address?: string;
  doc: string;
}

export interface InstructionDef {
  name: string;
  doc: string;
  accounts: AccountMetaDef[];
  /** One struct argument named `args`, or none. */
  args?: string;
}

export interface ErrorDef {
  code: number;
  name: string;
  msg: string;
}

export interface ConstantDef {
  name: string;
  value: bigint | number | string;
  doc: string;
}
