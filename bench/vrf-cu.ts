// Compute units of one ECVRF-EDWARDS25519-SHA512-TAI verification in the real runtime: the
// program's C (programs/splitup/src/ecvrf.c + sha512.c) in a test harness deployed into LiteSVM.
// Baselines measured in the same run: the harness entry alone (subtracted from every figure) and
// one SHA-512 block, the unit try-and-increment pays per extra attempt.
// Usage: node --import tsx bench/vrf-cu.ts [samples per alpha length]
import { randomBytes } from 'node:crypto';
import { encodeToCurve, vrfKeyPair, vrfProve } from '../protocols/committee/vrf/ecvrf.js';
import { deployEcvrfHarness } from '../test/unit/programs/ecvrf/harness.js';
import { median } from './lib/stats.js';

/** The bound for one verification. */
const CU_BOUND = 100_000;
/** What an instruction gets without a SetComputeUnitLimit. */
const DEFAULT_INSTRUCTION_CU = 200_000;
/** Enough random proofs per length to see ctr = 0, 1 and 2 several times each. */
const SAMPLES = Number(process.argv[2] ?? 64);
/**
 * Each attempt hashes its last block of suite ‖ 0x01 ‖ PK ‖ alpha ‖ ctr ‖ 0x00 plus padding: one
 * block while (34 + alpha) mod 128 <= 109, two for alpha mod 128 in 76..93 (76 is shown).
 */
const ALPHA_LENGTHS = [0, 40, 76, 200];
/** Curve syscall costs (agave execution_budget.rs): validate, add, 2-point multiscalar multiply. */
const VALIDATE_CU = 159;
const ADD_CU = 473;
const MULTISCALAR_2_CU = 2273 + 758;

const harness = deployEcvrfHarness();
const entry = Number(harness.noopComputeUnits());
const one = harness.sha512(new Uint8Array(3));
if (!one.ok) throw new Error('the harness refused a SHA-512 of 3 bytes');
const shaBlock = Number(one.computeUnits) - entry;

console.log('ECVRF-EDWARDS25519-SHA512-TAI verification in C, LiteSVM (harness entry subtracted)');
console.log(`baseline: harness entry = ${entry} CU; one SHA-512 block (3-byte message) = ${shaBlock} CU`);
// Y, Gamma and the decoding attempt validated; 8·Y, 8·H, 8·Gamma by 3 additions; U and V.
const syscallFloor = 3 * VALIDATE_CU + 9 * ADD_CU + 2 * MULTISCALAR_2_CU;
console.log(`curve syscalls at ctr = 0, by the cost table: ${syscallFloor} CU\n`);

console.log(
  `${'alpha bytes'.padStart(11)} ${'ctr'.padStart(4)} ${'proofs'.padStart(7)} ${'median CU'.padStart(10)} ${'max CU'.padStart(8)} ${'% of bound'.padStart(11)}`,
);
let perAttempt = 0;
let ctr0Short = 0;
for (const length of ALPHA_LENGTHS) {
  const byCtr = new Map<number, number[]>();
  for (let i = 0; i < SAMPLES; i++) {
    const sk = randomBytes(32);
    const alpha = randomBytes(length);
    const { publicKey } = vrfKeyPair(sk);
    const result = harness.verify(publicKey, vrfProve(sk, alpha), alpha);
    if (!result.ok) throw new Error(`a valid proof was refused with ${result.errorNumber}`);
    const { ctr } = encodeToCurve(publicKey, alpha);
    byCtr.set(ctr, [...(byCtr.get(ctr) ?? []), Number(result.computeUnits) - entry]);
  }
  for (const ctr of [...byCtr.keys()].sort((a, b) => a - b)) {
    const cus = byCtr.get(ctr)!;
    const max = Math.max(...cus);
    console.log(
      `${String(length).padStart(11)} ${String(ctr).padStart(4)} ${String(cus.length).padStart(7)} ${String(median(cus)).padStart(10)} ${String(max).padStart(8)} ${((max * 100) / CU_BOUND).toFixed(1).padStart(10)}%`,
    );
  }
  if (length === 40) {
    ctr0Short = median(byCtr.get(0) ?? [Number.NaN]);
    perAttempt = median(byCtr.get(1) ?? [Number.NaN]) - ctr0Short;
  }
}

// Each attempt decodes with probability about 1/2, so ctr >= k happens with probability 2^-k.
const attemptsUnder = (budget: number) => Math.floor((budget - ctr0Short) / perAttempt);
const underBound = attemptsUnder(CU_BOUND);
const underDefault = attemptsUnder(DEFAULT_INSTRUCTION_CU);
console.log(`\nalpha of 40 bytes: ${ctr0Short} CU at ctr = 0, + ${perAttempt} CU per further attempt`);
console.log(`  mean over ctr (E[ctr] = 1): ~${ctr0Short + perAttempt} CU`);
console.log(
  `  within ${CU_BOUND} CU up to ctr = ${underBound}: all but ${(100 / 2 ** (underBound + 1)).toFixed(2)}% of inputs`,
);
console.log(
  `  within the default ${DEFAULT_INSTRUCTION_CU} CU up to ctr = ${underDefault}: all but 1 input in ${2 ** (underDefault + 1)}`,
);
