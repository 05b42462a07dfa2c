// Fixes each model input's symbolic dims from the declarations, checking that they agree with the
// model and with each other (one symbol, one value), and says which dims are still unknown.
import type { GraphProto, ValueInfoProto } from 'onnx-buf';
import type { Dim } from '../../../storage/tensors/tensor.js';
import { SplitUpError } from '../../errors.js';
import { ShapeErrorCode } from '../errors.js';
import type { ShapeDeclarations } from './declare.js';

export interface ResolvedInputs {
  /** Input name -> concrete shape under the declarations. */
  shapes: Map<string, number[]>;
  /** Symbolic dim name -> value. */
  symbols: Map<string, number>;
}

/** The declared-as-written shape of a value: numbers, symbol names, or '?' for an unnamed dim. */
export function valueInfoDims(v: ValueInfoProto): Dim[] | undefined {
  if (v.type?.value.case !== 'tensorType') return undefined;
  const shape = v.type.value.value.shape;
  if (!shape) return undefined;
  return shape.dim.map((d) =>
    d.value.case === 'dimValue'
      ? Number(d.value.value)
      : d.value.case === 'dimParam' && d.value.value
        ? d.value.value
        : '?',
  );
}

export function runtimeInputs(graph: GraphProto): ValueInfoProto[] {
  const inits = new Set(graph.initializer.map((t) => t.name));
  return graph.input.filter((i) => !inits.has(i.name));
}

export function resolveInputShapes(graph: GraphProto, decl: ShapeDeclarations): ResolvedInputs {
  const inputs = runtimeInputs(graph);
  const symbols = new Map<string, number>();
  const knownNames = new Set<string>(inputs.map((i) => i.name));
  const bind = (symbol: string, value: number, source: string) => {
    const prior = symbols.get(symbol);
    if (prior !== undefined && prior !== value) {
      throw new SplitUpError(
        ShapeErrorCode.DECLARATION_INVALID,
        `dimension '${symbol}' is ${prior} by one declaration and ${value} by ${source}`,
        { symbol, values: [prior, value] },
      );
    }
    symbols.set(symbol, value);
  };
  // Tensor declarations first: they bind the symbols their dims stand for.
  for (const input of inputs) {
    const dims = valueInfoDims(input);
    const declared = decl.tensors.get(input.name);
    if (!declared) continue;
    if (dims && dims.length !== declared.length) {
      throw new SplitUpError(
        ShapeErrorCode.DECLARATION_INVALID,
        `input '${input.name}' has rank ${dims.length} (shape [${dims.join(', ')}]) but was declared as ${declared.join('x')}`,
        { input: input.name, expected: dims, declared },
      );
    }
    dims?.forEach((d, i) => {
      const v = declared[i] as number;
      if (typeof d === 'number' && d !== v) {
        throw new SplitUpError(
          ShapeErrorCode.DECLARATION_INVALID,
          `input '${input.name}' has fixed size ${d} in dim ${i}, but was declared as ${declared.join('x')}`,
          { input: input.name, expected: dims, declared },
        );
      }
      if (typeof d === 'string' && d !== '?') bind(d, v, `the declaration of '${input.name}'`);
    });
  }
  for (const input of inputs)
    for (const d of valueInfoDims(input) ?? []) if (typeof d === 'string') knownNames.add(d);
  for (const [name, value] of decl.scalars)
    if (!decl.tensors.has(name) || !inputs.some((i) => i.name === name))
      bind(name, value, `'${name}=${value}'`);
  for (const name of decl.tensors.keys()) {
    if (!knownNames.has(name)) {
      throw new SplitUpError(
        ShapeErrorCode.DECLARATION_INVALID,
        `'${name}' is neither a model input nor a symbolic dimension; inputs are: ${inputs.map((i) => `${i.name} [${(valueInfoDims(i) ?? []).join(', ')}]`).join('; ')}`,
        { name },
      );
    }
  }
  const shapes = new Map<string, number[]>();
  const unknown: string[] = [];
  for (const input of inputs) {
    const declared = decl.tensors.get(input.name);
    const dims = valueInfoDims(input);
    if (!dims) {
      if (declared) shapes.set(input.name, declared);
      else unknown.push(`${input.name}: shape not recorded in the model`);
      continue;
    }
    const concrete = dims.map((d, i) =>
      declared ? declared[i] : typeof d === 'number' ? d : symbols.get(d),
    );
    const missing = dims
      .filter((_d, i) => concrete[i] === undefined)
      .map((d) => (d === '?' ? 'an unnamed dim' : `'${d}'`));
    if (missing.length > 0) unknown.push(`${input.name} [${dims.join(', ')}]: ${missing.join(', ')}`);
    else shapes.set(input.name, concrete as number[]);
  }
  if (unknown.length > 0) {
    throw new SplitUpError(
      ShapeErrorCode.UNKNOWN,
      `these input dimensions are still unknown; declare them with --shape name=AxB (whole input) or --shape dim_name=N:\n  ${unknown.join('\n  ')}`,
      { unknown },
    );
  }
  return { shapes, symbols };
}
