// An execution plan says which peer runs which task of a bundle. Today it comes from a file
// (`splitup infer --plan`); the oracle committee's on-chain assignment produces the same type.
import { readFileSync } from 'node:fs';
import { peerIdFromString } from '@libp2p/peer-id';
import { multiaddr } from '@multiformats/multiaddr';
import type { BundleManifest } from '../../storage/bundle/manifest.js';
import { SplitUpError } from '../errors.js';
import { PlanErrorCode } from './errors.js';

export const PLAN_SCHEMA = 'splitup.plan/1';

export interface TaskAssignment {
  task: string;
  /** PeerId string of the worker. */
  peer: string;
  /** Multiaddrs the worker listens on (may be empty when the peer is already connected). */
  addrs: string[];
}

export interface ExecutionPlan {
  schema: typeof PLAN_SCHEMA;
  assignments: TaskAssignment[];
}

function invalid(message: string, details?: Record<string, unknown>): SplitUpError {
  return new SplitUpError(PlanErrorCode.INVALID, message, details);
}

function parseAssignment(value: unknown, i: number): TaskAssignment {
  const a = value as Partial<TaskAssignment> | null;
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
export function parsePlan(value: unknown, manifest: BundleManifest): ExecutionPlan {
  const raw = value as Partial<ExecutionPlan> | null;
  if (typeof raw !== 'object' || raw === null || raw.schema !== PLAN_SCHEMA)
    throw invalid(`a plan must be a JSON object with schema '${PLAN_SCHEMA}'`);
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
  return { schema: PLAN_SCHEMA, assignments };
}

export function readPlanFile(path: string, manifest: BundleManifest): ExecutionPlan {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw invalid(`cannot read plan ${path}: ${(err as Error).message}`, { path });
  }
  return parsePlan(json, manifest);
}

export function assignmentOf(plan: ExecutionPlan, task: string): TaskAssignment {
  const a = plan.assignments.find((x) => x.task === task);
  if (!a) throw invalid(`the plan assigns no peer to task '${task}'`, { task });
  return a;
}
