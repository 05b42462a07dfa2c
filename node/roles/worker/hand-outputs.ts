// Where a finished task's outputs go: to a task of this same worker in memory (the Tensor objects
// themselves, no stream, no copy), or on a tensor stream to another peer. The next local task
// moves its input buffers to its engine thread, so a buffer still being streamed elsewhere, or
// read by another local task, must not be handed over yet: such local handoffs wait for the
// streams, and every local use of an output but its last gets a copy.
import type { PeerRef, Route } from '../../../protocols/execution/index.js';
import { copyTensor, type Tensor } from '../../../storage/tensors/tensor.js';

export interface RouteGroup {
  peer: PeerRef;
  task: string;
  routes: Route[];
}

export interface OutputSinks {
  local: (task: string, tensors: Record<string, Tensor>) => void;
  remote: (peer: PeerRef, task: string, tensors: Record<string, Tensor>) => Promise<void>;
}

export async function handOutputs(
  groups: readonly RouteGroup[],
  outputs: Readonly<Record<string, Tensor>>,
  self: string,
  sinks: OutputSinks,
): Promise<void> {
  const local = groups.filter((g) => g.peer.peer === self);
  const remote = groups.filter((g) => g.peer.peer !== self);
  const streamed = new Set(remote.flatMap((g) => g.routes.map((r) => r.output)));
  const localUses = new Map<string, number>();
  for (const r of local.flatMap((g) => g.routes)) localUses.set(r.output, (localUses.get(r.output) ?? 0) + 1);

  const handLocal = (group: RouteGroup) => {
    const tensors: Record<string, Tensor> = {};
    for (const r of group.routes) {
      const left = localUses.get(r.output)! - 1;
      localUses.set(r.output, left);
      tensors[r.to.tensor] = left > 0 ? copyTensor(outputs[r.output]!) : outputs[r.output]!;
    }
    sinks.local(group.task, tensors);
  };
  const waits = (g: RouteGroup) => g.routes.some((r) => streamed.has(r.output));
  for (const g of local.filter((g) => !waits(g))) handLocal(g);
  await Promise.all(
    remote.map((g) => {
      const tensors: Record<string, Tensor> = {};
      for (const r of g.routes) tensors[r.to.tensor] = outputs[r.output]!;
      return sinks.remote(g.peer, g.task, tensors);
    }),
  );
  for (const g of local.filter(waits)) handLocal(g);
}
