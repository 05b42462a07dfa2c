// Builds test/unit/programs/fixtures/merkle_harness.c together with the program's own merkle.c and
// round_proof.c, deploys it through the real upgradeable loader into LiteSVM, and calls its modes.
import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { address, lamports } from '@solana/kit';
import { Keypair, type PublicKey, TransactionInstruction } from '@solana/web3.js';
import { LiteSVM } from 'litesvm';
import { buildProgram } from '../../../../programs/linker/build-program.js';
import { RuntimeError } from '../../../../programs/runtime/errors.js';
import { airdrop } from '../../../../programs/runtime/funding.js';
import { sendInstructions } from '../../../../programs/runtime/send-transaction.js';
import { deployUpgradeable } from '../../../../programs/runtime/upgradeable-loader.js';
import { roundCertificateSpace } from '../../../../programs/splitup/client/index.js';
import { MerkleErrorCode } from '../../../../protocols/committee/liveness/errors.js';

const fromHere = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const SOURCES = [
  fromHere('../fixtures/merkle_harness.c'),
  fromHere('../../../../programs/splitup/src/merkle.c'),
  fromHere('../../../../programs/splitup/src/round_proof.c'),
];
const MODE_ROOT = 0;
const MODE_CERTIFIED = 1;
const MODE_NOOP = 2;
const SOL = 1_000_000_000n;

/** merkle.h's refusals by number, as the code rootFromProof of merkle.ts refuses the same inputs with. */
export const MERKLE_ERRORS = {
  1: MerkleErrorCode.INVALID_INDEX,
  2: MerkleErrorCode.MALFORMED_PROOF,
  3: MerkleErrorCode.MALFORMED_PROOF,
  4: MerkleErrorCode.MALFORMED_PROOF,
} as const;

export type HarnessResult =
  | { ok: true; output: Uint8Array; computeUnits: bigint }
  | { ok: false; errorNumber: number };

export interface Proof {
  leaf: Uint8Array;
  index: number;
  path: readonly Uint8Array[];
}

export interface CertifiedTable {
  certified: boolean;
  root: Uint8Array;
  taskCount: number;
}

export interface MerkleHarness {
  /** The root the C implies for the proof in a tree of `size` leaves. */
  root(proof: Proof, size: number): HarnessResult;
  /** check_certified_leaf against a RoundCertificate holding `table`. */
  certified(proof: Proof, table: CertifiedTable): HarnessResult;
  /** Compute units of the entry alone, to subtract from the other modes' figures. */
  noopComputeUnits(): bigint;
}

function u64(v: number): Uint8Array {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, BigInt(v), true);
  return b;
}

function pathBytes(p: Proof): Uint8Array {
  const leafLen = Uint8Array.of(p.leaf.length & 0xff, p.leaf.length >> 8);
  return Uint8Array.from([p.path.length, ...leafLen, ...p.leaf, ...p.path.flatMap((h) => [...h])]);
}

/** A RoundCertificate's bytes with only what check_certified_leaf reads set (the layout's offsets). */
function certificateBytes(table: CertifiedTable): Uint8Array {
  const data = new Uint8Array(roundCertificateSpace());
  // Anchor's account discriminator: sha256("account:" + name)[0..8], as the IDL lists it.
  data.set(createHash('sha256').update('account:RoundCertificate').digest().subarray(0, 8), 0);
  const body = 8;
  data.set(table.root, body + 24);
  new DataView(data.buffer).setUint32(body + 56, table.taskCount, true);
  data[body + 66] = table.certified ? 1 : 0;
  return data;
}

/** Compiles, links and deploys the harness into a fresh LiteSVM. */
export function deployMerkleHarness(): MerkleHarness {
  const dir = mkdtempSync(join(tmpdir(), 'splitup-merkle-'));
  const so = buildProgram(SOURCES, join(dir, 'obj'));
  const svm = new LiteSVM();
  const payer = Keypair.generate();
  airdrop(svm, payer.publicKey, 100n * SOL);
  const program = Keypair.generate();
  deployUpgradeable(svm, payer, program, so, Keypair.generate());
  const certificate = Keypair.generate().publicKey;

  const call = (data: Uint8Array, accounts: PublicKey[] = []): HarnessResult => {
    const ix = new TransactionInstruction({
      programId: program.publicKey,
      keys: accounts.map((pubkey) => ({ pubkey, isSigner: false, isWritable: false })),
      data: Buffer.from(data),
    });
    try {
      const sent = sendInstructions(svm, [ix], [payer]);
      return { ok: true, output: sent.returnData, computeUnits: sent.computeUnits };
    } catch (err) {
      if (err instanceof RuntimeError && err.customCode !== undefined)
        return { ok: false, errorNumber: err.customCode };
      throw err;
    } finally {
      svm.expireBlockhash();
    }
  };

  return {
    root: (proof, size) =>
      call(Uint8Array.from([MODE_ROOT, ...u64(proof.index), ...u64(size), ...pathBytes(proof)])),
    certified: (proof, table) => {
      const data = certificateBytes(table);
      svm.setAccount({
        address: address(certificate.toBase58()),
        lamports: lamports(svm.minimumBalanceForRentExemption(BigInt(data.length))),
        programAddress: address(program.publicKey.toBase58()),
        executable: false,
        data: Uint8Array.from(data),
        space: BigInt(data.length),
      });
      return call(Uint8Array.from([MODE_CERTIFIED, ...u64(proof.index), ...pathBytes(proof)]), [certificate]);
    },
    noopComputeUnits: () => {
      const result = call(Uint8Array.of(MODE_NOOP));
      if (!result.ok) throw new RangeError(`the harness's no-op failed with ${result.errorNumber}`);
      return result.computeUnits;
    },
  };
}
