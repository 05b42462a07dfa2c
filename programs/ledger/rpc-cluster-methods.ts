// The cluster-shaped methods of a one-validator chain: the ledger's identity (the faucet key) is
// the only node, the only leader of every slot, and the node of the one vote account created at
// genesis. Answers have the shapes agave's JSON-RPC gives (rpc/src/rpc.rs, rpc-client-api).
import type { LedgerBank } from './bank.js';
import { parsePubkey } from './codec.js';
import {
  LARGEST_ACCOUNTS_COUNT,
  MAX_PERFORMANCE_SAMPLES,
  MAX_SLOT_LEADERS,
  REPORTED_SOLANA_CORE_VERSION,
  SLOT_INTERVAL_MS,
  SLOTS_PER_EPOCH,
} from './constants.js';
import { invalidParams } from './rpc-error.js';
import type { RpcMethods } from './rpc-methods.js';
import { config, optionalBoolean, optionalCount, type Params, requiredCount } from './rpc-params.js';

/** Inflation::default(), what a test validator's genesis carries. */
const INFLATION = { initial: 0.08, terminal: 0.015, taper: 0.15, foundation: 0.05, foundationTerm: 7 };
const SECONDS_PER_YEAR = 365.25 * 24 * 60 * 60;
const SLOTS_PER_YEAR = SECONDS_PER_YEAR / (SLOT_INTERVAL_MS / 1000);
/**
 * Activated stake reported for the one vote account. No stake account backs it (litesvm has no
 * epochs of stake activation); it is nominal, so clients that weigh by stake see one full node.
 */
export const VALIDATOR_ACTIVATED_STAKE_LAMPORTS = 1_000_000_000;

export interface NetworkAddresses {
  /** host:port of the JSON-RPC and websocket servers, as getClusterNodes gives them. */
  rpc: string | null;
  pubsub: string | null;
}

export function inflationRate(epoch: number) {
  const year = (epoch * SLOTS_PER_EPOCH) / SLOTS_PER_YEAR;
  const total = Math.max(INFLATION.initial * (1 - INFLATION.taper) ** year, INFLATION.terminal);
  const foundation = year < INFLATION.foundationTerm ? total * INFLATION.foundation : 0;
  return { total, validator: total - foundation, foundation, epoch };
}

function parseLimit(params: Params, index: number, max: number, fallback: number): number {
  if (params[index] === undefined || params[index] === null) return fallback;
  const limit = requiredCount(params, index, 'limit');
  if (limit > max) throw invalidParams(`Invalid limit; max ${max}`);
  return limit;
}

export function createClusterMethods(
  bank: LedgerBank,
  network: NetworkAddresses,
  committedSlot: (cfg: Record<string, unknown>) => number,
): RpcMethods {
  const identity = bank.identity;
  const epochOf = (slot: number) => Math.floor(slot / SLOTS_PER_EPOCH);
  const context = () => ({ slot: bank.slot, apiVersion: REPORTED_SOLANA_CORE_VERSION });
  const withContext = (value: unknown) => ({ context: context(), value });
  let schedule: number[] | undefined;

  /** The ledger keeps every slot from its first; before that there is nothing. */
  const firstSlot = () => bank.blocks.firstAvailable ?? bank.firstSlot;

  return {
    getInflationGovernor: (params) => {
      config(params, 0);
      return { ...INFLATION };
    },
    getInflationRate: () => inflationRate(epochOf(bank.slot)),
    getLeaderSchedule: (params) => {
      // The first parameter is a slot, or (as web3.js sends it) the config object itself.
      const slotGiven = typeof params[0] === 'number' || params[0] === null;
      const slot = typeof params[0] === 'number' ? requiredCount(params, 0, 'slot') : bank.slot;
      const cfg = config(params, slotGiven ? 1 : 0);
      const who = cfg.identity === undefined ? undefined : parsePubkey(cfg.identity, 'identity');
      // A validator knows the schedule of this epoch and the next one only.
      if (epochOf(slot) > epochOf(bank.slot) + 1) return null;
      if (who !== undefined && who !== identity) return {};
      schedule ??= Array.from({ length: SLOTS_PER_EPOCH }, (_, i) => i);
      return { [identity]: schedule };
    },
    getSlotLeader: (params) => {
      config(params, 0);
      return identity;
    },
    getSlotLeaders: (params) => {
      const start = requiredCount(params, 0, 'start slot');
      const limit = requiredCount(params, 1, 'limit');
      if (limit > MAX_SLOT_LEADERS) throw invalidParams(`Invalid limit; max ${MAX_SLOT_LEADERS}`);
      if (epochOf(start + Math.max(limit - 1, 0)) > epochOf(bank.slot) + 1) {
        throw invalidParams(
          `Invalid slot range: leader schedule for epoch ${epochOf(start + limit - 1)} is unavailable`,
        );
      }
      return Array.from({ length: limit }, () => identity);
    },
    getClusterNodes: () => [
      {
        pubkey: identity,
        gossip: null,
        tvu: null,
        tpu: null,
        tpuQuic: null,
        tpuForwards: null,
        tpuForwardsQuic: null,
        tpuVote: null,
        serveRepair: null,
        rpc: network.rpc,
        pubsub: network.pubsub,
        version: REPORTED_SOLANA_CORE_VERSION,
        featureSet: 0,
        shredVersion: 0,
      },
    ],
    getVoteAccounts: (params) => {
      const cfg = config(params, 0);
      const votePubkey = cfg.votePubkey === undefined ? undefined : parsePubkey(cfg.votePubkey, 'votePubkey');
      optionalBoolean(cfg, 'keepUnstakedDelinquents');
      optionalCount(cfg, 'delinquentSlotDistance');
      const epoch = epochOf(bank.slot);
      const ours = votePubkey === undefined || votePubkey === bank.votePubkey;
      return {
        current: ours
          ? [
              {
                votePubkey: bank.votePubkey,
                nodePubkey: identity,
                activatedStake: VALIDATOR_ACTIVATED_STAKE_LAMPORTS,
                epochVoteAccount: true,
                commission: 0,
                lastVote: committedSlot({}),
                epochCredits: [[epoch, bank.blockHeight, 0]],
                rootSlot: committedSlot({}),
              },
            ]
          : [],
        delinquent: [],
      };
    },
    getSupply: (params) => {
      const cfg = config(params, 0);
      optionalBoolean(cfg, 'excludeNonCirculatingAccountsList');
      const total = bank.trackedBalances().reduce((sum, a) => sum + a.lamports, 0n);
      return withContext({ total, circulating: total, nonCirculating: 0, nonCirculatingAccounts: [] });
    },
    getLargestAccounts: (params) => {
      const cfg = config(params, 0);
      const filter = cfg.filter;
      if (filter !== undefined && filter !== 'circulating' && filter !== 'nonCirculating') {
        throw invalidParams('Invalid params: filter must be "circulating" or "nonCirculating"');
      }
      // Nothing is locked up on this chain: every account circulates.
      if (filter === 'nonCirculating') return withContext([]);
      const top = bank
        .trackedBalances()
        .sort((a, b) => (a.lamports === b.lamports ? 0 : a.lamports > b.lamports ? -1 : 1))
        .slice(0, LARGEST_ACCOUNTS_COUNT)
        .map((a) => ({ address: a.pubkey, lamports: a.lamports }));
      return withContext(top);
    },
    getStakeMinimumDelegation: (params) => {
      config(params, 0);
      return withContext(bank.minimumStakeDelegation());
    },
    getRecentPerformanceSamples: (params) =>
      bank.blocks.recentSamples(parseLimit(params, 0, MAX_PERFORMANCE_SAMPLES, MAX_PERFORMANCE_SAMPLES)),
    minimumLedgerSlot: () => firstSlot(),
    getBlockProduction: (params) => {
      const cfg = config(params, 0);
      const who = cfg.identity === undefined ? undefined : parsePubkey(cfg.identity, 'identity');
      const range = cfg.range as { firstSlot?: unknown; lastSlot?: unknown } | undefined;
      if (range !== undefined && (typeof range !== 'object' || range === null)) {
        throw invalidParams('Invalid params: range must be {firstSlot, lastSlot?}');
      }
      const current = committedSlot(cfg);
      const first =
        range === undefined
          ? Math.max(epochOf(current) * SLOTS_PER_EPOCH, firstSlot())
          : requiredCount([range.firstSlot], 0, 'range.firstSlot');
      const last =
        range?.lastSlot === undefined || range.lastSlot === null
          ? current
          : requiredCount([range.lastSlot], 0, 'range.lastSlot');
      if (last < first) throw invalidParams(`lastSlot, ${last}, cannot be less than firstSlot, ${first}`);
      if (last > current)
        throw invalidParams(`lastSlot, ${last}, cannot be greater than current slot, ${current}`);
      // This node leads every slot from the ledger's first; a slot it jumped over has no block.
      const from = Math.max(first, firstSlot());
      const leaderSlots = Math.max(0, last - from + 1);
      const produced = bank.blocks.countIn(from, last);
      const byIdentity = who === undefined || who === identity ? { [identity]: [leaderSlots, produced] } : {};
      return withContext({ byIdentity, range: { firstSlot: first, lastSlot: last } });
    },
  };
}
