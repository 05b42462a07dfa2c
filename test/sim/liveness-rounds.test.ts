// Liveness rounds among n oracles, f of them Byzantine, over an in-memory broadcast that delivers
// every message to every oracle (as gossip relays it). Honest oracles must certify every round
// and agree on the table and on every pick; a Byzantine minority above f must never get a table of
// its own certified. The gossip transport itself is the heartbeat sim's; this one exercises the
// round protocol with every adversary the issue names, at 4, 7 and 21 oracles.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import * as ed from '@noble/ed25519';
import { buildLivenessTable, heartbeatDigest } from '../../protocols/committee/liveness/table.js';
import { LivenessRound } from '../../protocols/committee/round/liveness-round.js';
import { signObservation } from '../../protocols/committee/round/observation.js';
import type { RoundCertificate } from '../../protocols/committee/round/tally.js';
import { signVote } from '../../protocols/committee/round/vote.js';
import { pickWorker } from '../../protocols/committee/selection/select.js';
import type { SignedHeartbeat } from '../../protocols/heartbeat/codec.js';
import { createNativeVerifier } from '../../protocols/heartbeat/signer.js';
import { signedHeartbeat } from '../unit/protocols/committee/support.js';

const verifier = createNativeVerifier();
const bytes32 = (label: string) => new Uint8Array(createHash('sha256').update(label).digest());
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const networkId = bytes32('sim network');
const TASKS = ['m/task-00', 'm/task-01', 'm/task-02'];

/** collude: one consistent observation that names a heartbeat only the Byzantine oracles hold. */
type Behaviour = 'honest' | 'equivocate' | 'withhold' | 'forge' | 'collude';

interface Oracle {
  seed: Uint8Array;
  key: Uint8Array;
  behaviour: Behaviour;
  store: Map<string, SignedHeartbeat>;
}

interface RoundResult {
  certificates: (RoundCertificate | undefined)[];
  roots: string[];
  messages: number;
  ms: number;
}

function nodeHeartbeats(round: number, nodes: number): SignedHeartbeat[] {
  return Array.from({ length: nodes }, (_, i) =>
    signedHeartbeat(bytes32(`node ${i}`), {
      sequence: BigInt(round + 1),
      tasks: [TASKS[i % 3]!, TASKS[(i + 1) % 3]!],
    }),
  );
}

/** A heartbeat that reached one honest oracle and the Byzantine ones only: their word decides it. */
function rareHeartbeat(round: number): SignedHeartbeat {
  return signedHeartbeat(bytes32('rare node'), { sequence: BigInt(round + 1), tasks: [TASKS[1]!] });
}

/**
 * One round. Every honest oracle holds the nodes' heartbeats except that the last node's reached
 * oracle 0 late (it fetches it); a node colluding with the Byzantine oracles sent its heartbeat to
 * them alone; a rare heartbeat reached oracle 1 and the Byzantine oracles only. An equivocating
 * oracle names the rare one to half the committee.
 */
function runRound(oracles: Oracle[], round: number, nodes: number): RoundResult {
  const started = performance.now();
  const committee = oracles.map((o) => o.key);
  const heartbeats = nodeHeartbeats(round, nodes);
  const colluder = signedHeartbeat(bytes32('colluding node'), {
    sequence: BigInt(round + 1),
    tasks: [TASKS[0]!],
  });
  const rare = rareHeartbeat(round);
  const rounds = oracles.map(
    (o) => new LivenessRound({ networkId, round: BigInt(round), committee, verifier, seed: o.seed }),
  );
  let messages = 0;
  const broadcast = (
    from: number,
    bytes: Uint8Array,
    kind: 'observation' | 'vote',
    only: (to: number) => boolean = () => true,
  ) => {
    oracles.forEach((_, to) => {
      if (to === from || !only(to)) return;
      messages++;
      try {
        if (kind === 'observation') rounds[to]!.addObservation(bytes);
        else rounds[to]!.addVote(bytes);
      } catch {
        // A refused message is what the receiver is meant to do with it; the outcome is checked below.
      }
    });
  };
  // Phase 1: observations.
  oracles.forEach((o, i) => {
    const held =
      o.behaviour === 'honest'
        ? [...heartbeats.filter((_, n) => !(i === 0 && n === nodes - 1)), ...(i === 1 ? [rare] : [])]
        : [...heartbeats, colluder, rare];
    for (const hb of held) o.store.set(hex(heartbeatDigest(hb)), hb);
    if (o.behaviour === 'withhold') return;
    const own = rounds[i]!.observe(held);
    if (o.behaviour !== 'equivocate') {
      broadcast(i, own.bytes, 'observation');
      return;
    }
    // Each half of the committee gets a different observation first; gossip then relays the other.
    const entries = own.entries.filter((e) => hex(e.nodeKey) !== hex(rare.nodeKey));
    const other = signObservation({ networkId, round: BigInt(round), entries }, o.seed);
    broadcast(i, own.bytes, 'observation', (to) => to % 2 === 0);
    broadcast(i, other.bytes, 'observation', (to) => to % 2 === 1);
    broadcast(i, other.bytes, 'observation', (to) => to % 2 === 0);
    broadcast(i, own.bytes, 'observation', (to) => to % 2 === 1);
  });
  // Phase 2: fetch what counts and is missing, from an announcer that answers.
  oracles.forEach((o, i) => {
    if (o.behaviour !== 'honest') return;
    for (const { entry, announcers } of rounds[i]!.wanted(o.store)) {
      for (const who of announcers) {
        const peer = oracles.find((p) => hex(p.key) === hex(who))!;
        if (peer.behaviour === 'withhold') continue;
        messages += 2;
        const hb = peer.store.get(hex(entry.digest));
        if (hb !== undefined && hex(heartbeatDigest(hb)) === hex(entry.digest)) {
          o.store.set(hex(entry.digest), hb);
          break;
        }
      }
    }
  });
  // Phase 3: votes.
  oracles.forEach((o, i) => {
    if (o.behaviour === 'withhold') return;
    if (o.behaviour === 'forge') {
      const forged = signVote(
        { networkId, round: BigInt(round), tableRoot: bytes32(`forged ${round}`), taskCount: 3 },
        o.seed,
      );
      rounds[i]!.addVote(forged.bytes);
      broadcast(i, forged.bytes, 'vote');
      return;
    }
    const vote = rounds[i]!.vote(o.store);
    broadcast(i, vote.bytes, 'vote');
    if (o.behaviour === 'equivocate') {
      const other = signVote(
        { networkId, round: BigInt(round), tableRoot: bytes32('other'), taskCount: 3 },
        o.seed,
      );
      broadcast(i, other.bytes, 'vote');
    }
  });
  const honest = oracles.map((o, i) => ({ o, i })).filter(({ o }) => o.behaviour === 'honest');
  return {
    certificates: honest.map(({ i }) => rounds[i]!.certificate()),
    roots: honest.map(({ i }) => hex(rounds[i]!.table!.root)),
    messages,
    ms: performance.now() - started,
  };
}

function committeeOf(n: number, byzantine: Behaviour[]): Oracle[] {
  return Array.from({ length: n }, (_, i) => {
    const seed = bytes32(`oracle ${n}/${i}`);
    return { seed, key: ed.getPublicKey(seed), behaviour: byzantine[i] ?? 'honest', store: new Map() };
  }).reverse(); // Byzantine oracles last, so oracle 0 (the one that fetches) is honest.
}

function checkHonestAgree(result: RoundResult): void {
  assert.equal(new Set(result.roots).size, 1, 'honest oracles voted for different tables');
  for (const cert of result.certificates) {
    assert.ok(cert, 'an honest oracle has no certificate');
    assert.equal(hex(cert.tableRoot), result.roots[0]);
  }
}

test('4 oracles, one Byzantine (equivocating, then withholding): every round certified by the 3 honest', () => {
  for (const [round, behaviour] of [
    [0, 'equivocate'],
    [1, 'withhold'],
    [2, 'equivocate'],
  ] as const) {
    const result = runRound(committeeOf(4, [behaviour]), round, 8);
    checkHonestAgree(result);
    for (const cert of result.certificates) assert.equal(cert!.votes.length, 3);
  }
});

test('the certified table is the live nodes: the late heartbeat fetched, the colluder left out; picks agree', () => {
  const heartbeats = nodeHeartbeats(0, 8);
  const table = buildLivenessTable(heartbeats);
  // Equivocating removes the oracle's word: the rare heartbeat keeps one honest witness, too few.
  // Colluding consistently, its word and oracle 1's reach f + 1: a real, node-signed heartbeat
  // stays in, which is all a Byzantine oracle can do to the table.
  for (const [behaviour, expected] of [
    ['equivocate', table],
    ['collude', buildLivenessTable([...heartbeats, rareHeartbeat(0)])],
  ] as const) {
    const result = runRound(committeeOf(4, [behaviour]), 0, 8);
    checkHonestAgree(result);
    assert.equal(result.roots[0], hex(expected.root), `with a Byzantine oracle that does '${behaviour}'`);
  }
  // Same root, same sorted lists: every honest oracle picks the same worker for every seed; the
  // picks cover the nodes of each task.
  const picked = new Set<string>();
  for (let i = 0; i < 60; i++) {
    const seed = {
      randomness: bytes32(`r${i}`),
      tableRoot: table.root,
      executionId: bytes32(`e${i}`),
      taskKey: TASKS[i % 3]!,
      attempt: 0,
    };
    picked.add(hex(pickWorker(table, seed).nodeKey));
  }
  assert.equal(picked.size, 8);
});

test('2 Byzantine oracles of 4 voting a forged table never get it certified', () => {
  for (let round = 0; round < 3; round++) {
    const oracles = committeeOf(4, ['forge', 'forge']);
    const result = runRound(oracles, round, 8);
    for (const cert of result.certificates)
      assert.equal(cert, undefined, 'a table was certified without a quorum');
  }
});

for (const n of [7, 21]) {
  test(`${n} oracles with f Byzantine (equivocating, withholding): certified, agreed; message count and latency`, (t) => {
    const f = Math.floor((n - 1) / 3);
    const byzantine: Behaviour[] = Array.from({ length: f }, (_, i) =>
      i % 2 === 0 ? 'equivocate' : 'withhold',
    );
    const oracles = committeeOf(n, byzantine);
    const result = runRound(oracles, 0, 32);
    checkHonestAgree(result);
    t.diagnostic(
      `${n} oracles, ${f} Byzantine, 32 nodes: ${result.messages} messages per round, certified in ${result.ms.toFixed(0)} ms of in-process work`,
    );
  });
}
