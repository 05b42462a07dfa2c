import anchor from '@coral-xyz/anchor';

// Anchor is CommonJS and BN is not among the names Node can see statically.
const { BN } = anchor;
type BN = InstanceType<typeof BN>;

/** bigint → BN for Anchor's u64 encoder. */
export function bn(v: bigint): BN {
  return new BN(v.toString());
}

/** Replaces every BN in a decoded value with a bigint, so callers never see BN or number u64s. */
export function bigintify<T>(v: T): Bigintified<T> {
  if (BN.isBN(v)) return BigInt((v as BN).toString()) as Bigintified<T>;
  if (Array.isArray(v)) return v.map((x) => bigintify(x)) as Bigintified<T>;
  if (v && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = bigintify(x);
    return out as Bigintified<T>;
  }
  return v as Bigintified<T>;
}

export type Bigintified<T> = T extends BN
  ? bigint
  : T extends (infer U)[]
    ? Bigintified<U>[]
    : T extends { toBase58(): string }
      ? T
      : T extends object
        ? { [K in keyof T]: Bigintified<T[K]> }
        : T;
