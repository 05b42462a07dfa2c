// Builds test/unit/programs/fixtures/ecvrf_harness.c together with the program's own sha512.c and
// ecvrf.c, deploys it through the real upgradeable loader into LiteSVM, and calls its modes.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Keypair, type PublicKey, TransactionInstruction } from '@solana/web3.js';
import { LiteSVM } from 'litesvm';
import { buildProgram } from '../../../../programs/linker/build-program.js';
import { RuntimeError } from '../../../../programs/runtime/errors.js';
import { airdrop } from '../../../../programs/runtime/funding.js';
import { sendInstructions } from '../../../../programs/runtime/send-transaction.js';
import { deployUpgradeable } from '../../../../programs/runtime/upgradeable-loader.js';

const fromHere = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const SOURCES = [
  fromHere('../fixtures/ecvrf_harness.c'),
  fromHere('../../../../programs/splitup/src/sha512.c'),
  fromHere('../../../../programs/splitup/src/ecvrf.c'),
];
const MODE_VERIFY = 0;
const MODE_SHA512 = 1;
const MODE_NOOP = 2;
const SOL = 1_000_000_000n;
/** The harness takes the SHA-512 split point as a u16. */
const MAX_SPLIT = 0xffff;

/** ecvrf.h's refusals by number; `vrfVerify` of ecvrf.ts refuses the same inputs with `ts`. */
export const ECVRF_ERRORS = {
  1: { name: 'ECVRF_ERR_KEY_NOT_POINT', ts: 'VRF_MALFORMED_INPUT' },
  2: { name: 'ECVRF_ERR_KEY_SMALL_ORDER', ts: 'VRF_INVALID_PUBLIC_KEY' },
  3: { name: 'ECVRF_ERR_GAMMA_NOT_POINT', ts: 'VRF_INVALID_PROOF' },
  4: { name: 'ECVRF_ERR_S_UNREDUCED', ts: 'VRF_INVALID_PROOF' },
  5: { name: 'ECVRF_ERR_NO_CURVE_POINT', ts: 'VRF_MALFORMED_INPUT' },
  6: { name: 'ECVRF_ERR_CHALLENGE_MISMATCH', ts: 'VRF_INVALID_PROOF' },
  7: { name: 'ECVRF_ERR_CURVE_SYSCALL', ts: undefined },
} as const;
export type EcvrfErrorNumber = keyof typeof ECVRF_ERRORS;

/** One call's outcome: the return data, or the program's error number; and its compute units. */
export type HarnessResult =
  | { ok: true; output: Uint8Array; computeUnits: bigint }
  | { ok: false; errorNumber: number; computeUnits: bigint | undefined };

export interface EcvrfHarness {
  verify(pk: Uint8Array, proof: Uint8Array, alpha: Uint8Array): HarnessResult;
  sha512(message: Uint8Array, split?: number): HarnessResult;
  /** Compute units of the entry alone, to subtract from the other modes' figures. */
  noopComputeUnits(): bigint;
}

function computeUnitsFromLogs(logs: string[], programId: PublicKey): bigint | undefined {
  const prefix = `Program ${programId.toBase58()} consumed `;
  const line = logs.find((l) => l.startsWith(prefix));
  return line === undefined ? undefined : BigInt(line.slice(prefix.length).split(' ')[0]!);
}

/** Compiles, links and deploys the harness into a fresh LiteSVM. */
export function deployEcvrfHarness(): EcvrfHarness {
  const dir = mkdtempSync(join(tmpdir(), 'splitup-ecvrf-'));
  const so = buildProgram(SOURCES, join(dir, 'obj'));
  const svm = new LiteSVM();
  const payer = Keypair.generate();
  airdrop(svm, payer.publicKey, 100n * SOL);
  const program = Keypair.generate();
  deployUpgradeable(svm, payer, program, so, Keypair.generate());

  const call = (data: Uint8Array): HarnessResult => {
    const ix = new TransactionInstruction({
      programId: program.publicKey,
      keys: [],
      data: Buffer.from(data),
    });
    try {
      const sent = sendInstructions(svm, [ix], [payer]);
      return { ok: true, output: sent.returnData, computeUnits: sent.computeUnits };
    } catch (err) {
      if (err instanceof RuntimeError && err.customCode !== undefined)
        return {
          ok: false,
          errorNumber: err.customCode,
          computeUnits: computeUnitsFromLogs(err.logs, program.publicKey),
        };
      throw err;
    } finally {
      // The same data may be sent twice (a bench's repeats); a fresh blockhash keeps it a new transaction.
      svm.expireBlockhash();
    }
  };

  return {
    verify: (pk, proof, alpha) => call(Uint8Array.from([MODE_VERIFY, ...pk, ...proof, ...alpha])),
    sha512: (message, split = Math.floor(message.length / 2)) => {
      if (split > MAX_SPLIT) throw new RangeError(`split ${split} exceeds ${MAX_SPLIT}`);
      return call(Uint8Array.from([MODE_SHA512, split & 0xff, split >> 8, ...message]));
    },
    noopComputeUnits: () => {
      const result = call(Uint8Array.of(MODE_NOOP));
      if (!result.ok) throw new RangeError(`the harness's no-op failed with ${result.errorNumber}`);
      return result.computeUnits;
    },
  };
}
