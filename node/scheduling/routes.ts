// Where tensors go during one execution, derived from the bundle's connections and the plan:
// each task's outputs to the peers of the consuming tasks (or to the client for model outputs),
// and the model inputs from the client to the tasks that read them.
import type { PeerRef, Route, Source } from '../../protocols/execution/index.js';
import { type BundleManifest, MODEL_ENDPOINT } from '../../storage/bundle/manifest.js';
import { type Placement, placementOf } from './placement.js';

function peerOf(plan: Placement, task: string, client: PeerRef): PeerRef {
  if (task === MODEL_ENDPOINT) return client;
  const a = placementOf(plan, task);
  return { peer: a.peer, addrs: a.addrs };
}

/** Routes of every output of `taskId`: one per consuming connection. */
export function routesForTask(
  manifest: BundleManifest,
  plan: Placement,
  taskId: string,
  client: PeerRef,
): Route[] {
  return manifest.connections
    .filter((c) => c.from.task === taskId)
    .map((c) => ({
      output: c.from.tensor,
      to: { task: c.to.task, tensor: c.to.tensor, peer: peerOf(plan, c.to.task, client) },
    }));
}

/** Who sends each input of `taskId`: the peer of the producing task, or the client for model inputs. */
export function sourcesForTask(
  manifest: BundleManifest,
  plan: Placement,
  taskId: string,
  client: PeerRef,
): Source[] {
  return manifest.connections
    .filter((c) => c.to.task === taskId)
    .map((c) => ({ tensor: c.to.tensor, peer: peerOf(plan, c.from.task, client).peer }));
}

/** Who sends each model output to the client: the peer of the task that produces it. */
export function modelOutputSenders(manifest: BundleManifest, plan: Placement): Record<string, string> {
  const senders: Record<string, string> = {};
  for (const c of manifest.connections) {
    if (c.to.task === MODEL_ENDPOINT && c.from.task !== MODEL_ENDPOINT) {
      senders[c.to.tensor] = placementOf(plan, c.from.task).peer;
    }
  }
  return senders;
}

/** The model inputs the client sends to one task, keyed by the task's input name. */
export interface InputDelivery {
  task: string;
  peer: PeerRef;
  /** task input name -> model input name */
  tensors: Map<string, string>;
}

export function modelInputDeliveries(manifest: BundleManifest, plan: Placement): InputDelivery[] {
  const byTask = new Map<string, InputDelivery>();
  for (const c of manifest.connections) {
    if (c.from.task !== MODEL_ENDPOINT || c.to.task === MODEL_ENDPOINT) continue;
    let delivery = byTask.get(c.to.task);
    if (!delivery) {
      const a = placementOf(plan, c.to.task);
      delivery = { task: c.to.task, peer: { peer: a.peer, addrs: a.addrs }, tensors: new Map() };
      byTask.set(c.to.task, delivery);
    }
    delivery.tensors.set(c.to.tensor, c.from.tensor);
  }
  return [...byTask.values()];
}

/** Groups routes by destination (peer, task), so each destination gets one tensor stream. */
export function groupRoutes(routes: readonly Route[]): { peer: PeerRef; task: string; routes: Route[] }[] {
  const groups = new Map<string, { peer: PeerRef; task: string; routes: Route[] }>();
  for (const r of routes) {
    const key = `${r.to.peer.peer}\0${r.to.task}`;
    let g = groups.get(key);
    if (!g) {
      g = { peer: r.to.peer, task: r.to.task, routes: [] };
      groups.set(key, g);
    }
    g.routes.push(r);
  }
  return [...groups.values()];
}
