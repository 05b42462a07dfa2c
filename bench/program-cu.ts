// Compute units per instruction of the SplitUp program in the real runtime (LiteSVM, deployed
// through the upgradeable loader), and transactions + fees per inference of the 2-task flow.
// Baseline, measured in the same run: an SPL Token transfer (the cheapest useful instruction).
// Usage: node --import tsx bench/program-cu.ts
import { createTransferInstruction } from '@solana/spl-token';
import { Keypair } from '@solana/web3.js';
import {
  DEFAULT_PROTOCOL_PARAMS,
  declareSpecializationIx,
  initializeIx,
  MAX_COMMITTEE,
  modelIdFrom,
  registerModelInstructions,
  registerNodeIx,
  requestUnstakeIx,
  revealTimeoutIx,
  revealWindowS,
  roundCertificateSpace,
  stakeIx,
  submitVoteIx,
  updateCommitteeIx,
  withdrawIx,
} from '../programs/splitup/client/index.js';
import { merkleProof } from '../protocols/committee/liveness/merkle.js';
import { deployEcvrfHarness } from '../test/unit/programs/ecvrf/harness.js';
import { RFC_EXAMPLES } from '../test/unit/programs/ecvrf/rfc-examples.js';
import { deployMerkleHarness } from '../test/unit/programs/merkle/harness.js';
import { deployedEnv, TOKEN_UNIT } from '../test/unit/programs/splitup/harness.js';
import { twoTaskModel } from '../test/unit/programs/splitup/models.js';
import {
  type Costs,
  executionWorld,
  happyFlow,
  hashOf,
  revealIx,
  revealingTask,
} from '../test/unit/programs/splitup/world.js';

/** The per-instruction target. */
const CU_TARGET = 50_000n;
/** Base fee per signature (lamports), the cluster default. */
const LAMPORTS_PER_SIGNATURE = 5000n;

const costs: Costs = {};
const note = (name: string, cu: bigint, signatures = 1) => {
  const list = costs[name] ?? [];
  list.push({ cu, signatures });
  costs[name] = list;
};

// initialize
const fresh = deployedEnv();
note(
  'initialize',
  (
    await fresh.sendAsync(
      [
        initializeIx({
          admin: fresh.admin.publicKey,
          mint: fresh.mint.publicKey,
          committee: fresh.committee.map((k) => k.publicKey),
          params: DEFAULT_PROTOCOL_PARAMS,
        }),
      ],
      [fresh.admin],
    )
  ).computeUnits,
);
note(
  'update_committee (3 of 4 members)',
  (
    await fresh.sendAsync(
      [
        updateCommitteeIx({
          authority: fresh.committee[0]!.publicKey,
          coSigners: fresh.committee.slice(1, 3).map((k) => k.publicKey),
          committee: fresh.committee.map((k) => k.publicKey),
        }),
      ],
      fresh.committee.slice(0, 3),
    )
  ).computeUnits,
  3,
);

// Baseline: one SPL Token transfer between two accounts.
const alice = fresh.funded();
const aliceWallet = fresh.tokenAccount(alice.publicKey, 10n * TOKEN_UNIT);
const bobWallet = fresh.tokenAccount(Keypair.generate().publicKey);
const baseline = fresh.send(
  [createTransferInstruction(aliceWallet, bobWallet, alice.publicKey, 1n)],
  [alice],
).computeUnits;

// Model registration and a node's life.
const world = await executionWorld();
const { env } = world;
const dev = env.funded();
const names = ['create_model', 'register_task', 'register_task', 'add_connections', 'register_model'];
const modelTxs = await env.sendEach(
  registerModelInstructions(dev.publicKey, modelIdFrom('bench'), twoTaskModel()),
  [dev],
);
for (const [i, tx] of modelTxs.entries()) note(names[i]!, tx.computeUnits);
// The largest DAG the account holds: 8 tasks in a chain, 3 tensors between each, 27 connections.
const WIDE = 3;
const CHAIN = 8;
const specs = (prefix: string) =>
  Array.from({ length: WIDE }, (_, k) => ({ name: `${prefix}${k}`, dtype: 'float32', shape: [1, 64] }));
const chain = {
  model: { inputs: specs('in'), outputs: specs('out') },
  tasks: Array.from({ length: CHAIN }, (_, t) => ({
    id: `task-${t}`,
    inputs: specs('x'),
    outputs: specs('y'),
    vramBytes: 1 << 30,
    computeUnits: 100,
  })),
  connections: Array.from({ length: CHAIN + 1 }, (_, t) =>
    Array.from({ length: WIDE }, (_, k) => ({
      from: t === 0 ? { task: '@model', tensor: `in${k}` } : { task: `task-${t - 1}`, tensor: `y${k}` },
      to: t === CHAIN ? { task: '@model', tensor: `out${k}` } : { task: `task-${t}`, tensor: `x${k}` },
    })),
  ).flat(),
};
const bigTxs = await env.sendEach(registerModelInstructions(dev.publicKey, modelIdFrom('big'), chain), [dev]);
note(`register_model (${CHAIN} tasks, ${chain.connections.length} connections)`, bigTxs.at(-1)!.computeUnits);

const node = env.funded();
const wallet = env.tokenAccount(node.publicKey, 5000n * TOKEN_UNIT);
note('register_node', (await env.sendAsync([registerNodeIx(node.publicKey)], [node])).computeUnits);
note(
  'stake',
  (await env.sendAsync([stakeIx(node.publicKey, wallet, 2000n * TOKEN_UNIT)], [node])).computeUnits,
);
note(
  'declare_specialization',
  (await env.sendAsync([declareSpecializationIx(node.publicKey, world.model, 0)], [node])).computeUnits,
);

// One inference: request, 2 assignments, 2 reports, 2 sampling decisions, 1 verification commitment,
// 2 reveals (verifier, then node), 2 settlements, close.
const flow = await happyFlow({ ...world, env: env.fork() }, 1n);
// The commit-reveal rounds the sampled task pays for, against the old direct report_verification.
const REVEALS_PER_SAMPLED_TASK = 2;

// reveal_output on a mismatch (opens the dispute) and reveal_timeout on both branches.
{
  const w = { ...world, env: env.fork() };
  const parties = { node: w.a, verifier: w.v };
  const disputed = await revealingTask(w, 2n, hashOf('wrong'), hashOf('h'));
  await w.env.sendAsync([revealIx(w.v, disputed, 0, hashOf('h'), parties)], [w.v.key]);
  const mismatch = await w.env.sendAsync([revealIx(w.a, disputed, 0, hashOf('wrong'), parties)], [w.a.key]);
  note('reveal_output (mismatch, opens dispute)', mismatch.computeUnits);
  const silentVerifier = await revealingTask(w, 3n, hashOf('h'), hashOf('h'));
  w.env.advance(revealWindowS(DEFAULT_PROTOCOL_PARAMS));
  const penalised = await w.env.sendAsync(
    [revealTimeoutIx(silentVerifier, 0, w.v.key.publicKey)],
    [w.client.key],
  );
  note('reveal_timeout (verifier silent)', penalised.computeUnits);
  const silentNode = await revealingTask(w, 4n, hashOf('h'), hashOf('h'));
  await w.env.sendAsync([revealIx(w.v, silentNode, 0, hashOf('h'), parties)], [w.v.key]);
  w.env.advance(revealWindowS(DEFAULT_PROTOCOL_PARAMS));
  const slashed = await w.env.sendAsync([revealTimeoutIx(silentNode, 0, w.a.key.publicKey)], [w.client.key]);
  note('reveal_timeout (node silent)', slashed.computeUnits);
}
for (const [name, list] of Object.entries(flow)) for (const c of list) note(name, c.cu, c.signatures);

note(
  'request_unstake',
  (await env.sendAsync([requestUnstakeIx(node.publicKey, TOKEN_UNIT)], [node])).computeUnits,
);
env.advance(DEFAULT_PROTOCOL_PARAMS.unstakeCooldownS);
note('withdraw', (await env.sendAsync([withdrawIx(node.publicKey, wallet)], [node])).computeUnits);

// Liveness votes: each member's own submit_vote, for committees of 4 and of MAX_COMMITTEE.
const voteRounds: { members: number; threshold: number; rent: bigint }[] = [];
for (const members of [4, MAX_COMMITTEE]) {
  const voters = members === 4 ? fresh : deployedEnv(members);
  if (members !== 4)
    await voters.sendAsync(
      [
        initializeIx({
          admin: voters.admin.publicKey,
          mint: voters.mint.publicKey,
          committee: voters.committee.map((k) => k.publicKey),
          params: DEFAULT_PROTOCOL_PARAMS,
        }),
      ],
      [voters.admin],
    );
  const round = 1n;
  const table = { tableRoot: Uint8Array.from({ length: 32 }, (_, i) => i), taskCount: 12 };
  const threshold = Math.ceil((2 * members) / 3);
  const cast = async (m: number, v = table) =>
    (
      await voters.sendAsync(
        [submitVoteIx({ member: voters.committee[m]!.publicKey, round, ...v })],
        [voters.committee[m]!],
      )
    ).computeUnits;
  note(`submit_vote (first, creates the round; n=${members})`, await cast(0));
  // An equivocation (member 0 votes a second table), then the later votes up to the certifying one.
  note(`submit_vote (equivocation; n=${members})`, await cast(0, { ...table, taskCount: 13 }));
  for (let m = 1; m < threshold; m++) note(`submit_vote (later vote; n=${members})`, await cast(m));
  note(`submit_vote (certifying vote; n=${members})`, await cast(threshold));
  voteRounds.push({
    members,
    threshold,
    rent: voters.svm.minimumBalanceForRentExemption(BigInt(roundCertificateSpace())),
  });
}

console.log(`SplitUp program: compute units per instruction (target < ${CU_TARGET})`);
console.log(`baseline: SPL Token transfer = ${baseline} CU\n`);
console.log(
  `${'instruction'.padEnd(42)} ${'max CU'.padStart(8)} ${'x SPL transfer'.padStart(15)} ${'% of target'.padStart(12)}`,
);
let worst = 0n;
for (const [name, list] of Object.entries(costs)) {
  let max = 0n;
  for (const c of list) if (c.cu > max) max = c.cu;
  if (max > worst) worst = max;
  const ratio = Number(max) / Number(baseline);
  const pct = (Number(max) * 100) / Number(CU_TARGET);
  console.log(
    `${name.padEnd(42)} ${String(max).padStart(8)} ${ratio.toFixed(2).padStart(15)} ${pct.toFixed(1).padStart(11)}%`,
  );
}
const txs = Object.values(flow).flat();
const signatures = txs.reduce((s, c) => s + BigInt(c.signatures), 0n);
const flowCu = txs.reduce((s, c) => s + c.cu, 0n);
console.log(`\nper inference (2 tasks, 1 verified + 1 unsampled):`);
console.log(
  `  transactions: ${txs.length} (${txs.length - REVEALS_PER_SAMPLED_TASK} before commit-reveal; +${REVEALS_PER_SAMPLED_TASK} reveal_output per sampled task, none for an unsampled one)`,
);
console.log(`  signatures:   ${signatures}`);
console.log(
  `  fees:         ${signatures * LAMPORTS_PER_SIGNATURE} lamports (${LAMPORTS_PER_SIGNATURE} per signature)`,
);
console.log(
  `  compute:      ${flowCu} CU total = ${(Number(flowCu) / Number(baseline)).toFixed(1)} SPL transfers`,
);
console.log(
  `\nworst instruction: ${worst} CU — ${worst < CU_TARGET ? 'under' : 'OVER'} the ${CU_TARGET} target`,
);

console.log('\nper liveness round (one submit_vote transaction per member, its own signature):');
for (const r of voteRounds)
  console.log(
    `  n=${r.members}: certified by ${r.threshold} transactions / ${r.threshold} signatures (this run sent ${r.threshold + 2}: an equivocator's two count for nothing); round account rent ${r.rent} lamports, paid once by the first voter`,
  );

// One audit path against a certified table (merkle.c in its test harness; the certificate check
// the permissionless instructions will make): a table of 4,096 leaves, depth 12.
const AUDIT_DEPTH = 12;
const merkle = deployMerkleHarness();
const merkleEntry = merkle.noopComputeUnits();
const auditLeaves = Array.from({ length: 1 << AUDIT_DEPTH }, (_, i) => Uint8Array.of(i & 0xff, i >> 8, 0x5a));
const auditIndex = 1234;
const audit = merkle.root(
  { leaf: auditLeaves[auditIndex]!, index: auditIndex, path: merkleProof(auditLeaves, auditIndex) },
  auditLeaves.length,
);
if (!audit.ok) throw new Error(`the audit path was refused with ${audit.errorNumber}`);
const auditCu = audit.computeUnits - merkleEntry;
console.log(
  `\naudit path (RFC 6962, depth ${AUDIT_DEPTH}, ${auditLeaves.length} leaves; harness entry of ${merkleEntry} CU subtracted): ${auditCu} CU — ${auditCu < CU_TARGET ? 'under' : 'OVER'} the ${CU_TARGET} target`,
);

// ECVRF verification: the C module (programs/splitup/src/ecvrf.c) no instruction calls yet, run in
// its test harness on the RFC 9381 examples; its bound is its own, not the per-instruction target.
const VRF_BOUND = 100_000n;
const vrf = deployEcvrfHarness();
const vrfEntry = vrf.noopComputeUnits();
console.log(`\nECVRF verification (C module in its test harness, entry of ${vrfEntry} CU subtracted):`);
for (const ex of RFC_EXAMPLES) {
  const result = vrf.verify(ex.pk, ex.pi, ex.alpha);
  if (!result.ok) throw new Error(`RFC example refused with ${result.errorNumber}`);
  const cu = result.computeUnits - vrfEntry;
  console.log(
    `  alpha of ${ex.alpha.length} bytes, hash to curve at attempt ${ex.ctr + 1}: ${cu} CU — ${cu <= VRF_BOUND ? 'within' : 'OVER'} the ${VRF_BOUND} bound`,
  );
}
