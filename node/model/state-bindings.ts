// State (KV cache) bindings: a model input fed, on the next step, by a model output of the same
// layer. Detected by naming convention; optimum exports `past_key_values.N.key` / `present.N.key`.
export interface StateNaming {
  /** Regex over input names; capture group 1 is the key shared with the output. */
  input: RegExp;
  /** Builds the matching output name from the captured key. */
  output: (key: string) => string;
}

/** Hugging Face optimum's naming. */
const OPTIMUM_STATE_NAMING: StateNaming = {
  input: /^past_key_values\.(.+)$/,
  output: (key) => `present.${key}`,
};

export function detectStateBindings(
  inputs: readonly string[],
  outputs: readonly string[],
  naming: StateNaming = OPTIMUM_STATE_NAMING,
): { input: string; output: string }[] {
  const outs = new Set(outputs);
  const found: { input: string; output: string }[] = [];
  for (const input of inputs) {
    const m = naming.input.exec(input);
    const key = m?.[1];
    if (key === undefined) continue;
    const output = naming.output(key);
    if (outs.has(output)) found.push({ input, output });
  }
  return found;
}
