// A placement says which peer runs which task of a bundle, and where to reach it. Today it comes
// from a plan file (`splitup infer --plan`); the committee's on-chain assignment will produce the
// same type. (Not to be confused with a partition, which cuts a model into tasks, or the engine's
// schedule, which orders tasks in one process.)
import { readFileSync } from 'node:fs';
import { peerIdFromString } from '@libp2p/peer-id';
import { multiaddr } from '@multiformats/multiaddr';
import type { BundleManifest } from '../../storage/bundle/manifest.js';
import { SplitUpError } from '../errors.js';
import { PlanErrorCode } from './errors.js';

export const PLACEMENT_SCHEMA = 'splitup.plan/1';

export interface TaskPlacement {
  task: string;
  /** PeerId string of the worker. */
  peer: string;
  /** Multiaddrs the worker listens on: at least one, or a fresh client cannot reach it. */
  addrs: string[];
}

export interface Placement {
  schema: typeof PLACEMENT_SCHEMA;
  assignments: TaskPlacement[];
}

function invalid(message: string, details?: Record<string, unknown>): SplitUpError {
  return new SplitUpError(PlanErrorCode.INVALID, message, details);
}

function parseAssignment(value: unknown, i: number): TaskPlacement {
  const a = value as Partial<TaskPlacement> | null;
  if (typeof a !== 'object' || a === null || typeof a.task !== 'string' || typeof a.peer !== 'string')
    throw invalid(`assignments[${i}] must be {task, peer, addrs}`);
  try {
    peerIdFromString(a.peer);
  } catch {
    throw invalid(`assignments[${i}]: '${a.peer}' is not a PeerId`, { task: a.task });
  }
  const addrs = a.addrs ?? [];
  if (!Array.isArray(addrs)) throw invalid(`assignments[${i}].addrs must be an array`, { task: a.task });
  for (const addr of addrs) {
    try {
      multiaddr(String(addr));
    } catch {
      throw invalid(`assignments[${i}]: '${String(addr)}' is not a multiaddr`, { task: a.task });
    }
  }
  return { task: a.task, peer: a.peer, addrs: addrs.map(String) };
}

/** Checks a plan against the bundle: every task assigned exactly once, no unknown tasks. */
export function parsePlacement(value: unknown, manifest: BundleManifest): Placement {
  const raw = value as Partial<Placement> | null;
  if (typeof raw !== 'object' || raw === null || raw.schema !== PLACEMENT_SCHEMA)
    throw invalid(`a plan must be a JSON object with schema '${PLACEMENT_SCHEMA}'`);
  if (!Array.isArray(raw.assignments)) throw invalid('a plan needs an assignments array');
  const assignments = raw.assignments.map(parseAssignment);
  const known = new Set(manifest.tasks.map((t) => t.id));
  const seen = new Set<string>();
  for (const a of assignments) {
    if (!known.has(a.task))
      throw invalid(`the plan assigns task '${a.task}', which the bundle lacks`, { ...a });
    if (seen.has(a.task)) throw invalid(`the plan assigns task '${a.task}' twice`, { task: a.task });
    seen.add(a.task);
  }
  const missing = [...known].filter((t) => !seen.has(t));
  if (missing.length > 0)
    throw invalid(`the plan assigns no peer to task(s) ${missing.join(', ')}`, { missing });
  // Checked last, so a plan with several faults names the coarser one first.
  const unreachable = assignments.find((a) => a.addrs.length === 0);
  if (unreachable !== undefined)
    throw invalid(
      `the plan gives no addrs for task '${unreachable.task}': list the worker's listen multiaddrs, e.g. ["/ip4/127.0.0.1/tcp/4001"] (its worker.ready log line prints them)`,
      { task: unreachable.task },
    );
  return { schema: PLACEMENT_SCHEMA, assignments };
}

export function readPlacementFile(path: string, manifest: BundleManifest): Placement {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw invalid(`cannot read plan ${path}: ${(err as Error).message}`, { path });
  }
  return parsePlacement(json, manifest);
}

export function placementOf(plan: Placement, task: string): TaskPlacement {
  const a = plan.assignments.find((x) => x.task === task);
  if (!a) throw invalid(`the plan assigns no peer to task '${task}'`, { task });
  return a;
}
