// What a worker's heartbeats say about it: the free memory of the device its sessions run on (the
// host's RAM for the CPU provider), and a status that follows what it is doing.
import assert from 'node:assert/strict';
import { freemem } from 'node:os';
import { test } from 'node:test';
import { TaskRunner } from '../../../node/engine/task-runner.js';
import { openBundle } from '../../../node/model/bundle/open.js';
import { WorkerExecutor } from '../../../node/roles/worker/worker-executor.js';
import { WorkerRole } from '../../../node/roles/worker/worker-role.js';
import { startRolePeer } from '../../support/role-peers.js';
import { linearBundle } from '../engine/tiny-bundles.js';

test('a worker reports its real free device memory and goes ready -> busy -> draining', async () => {
  const { dir, manifest } = await linearBundle();
  const task = manifest.tasks[0]!;
  const runners = new Map([
    [task.id, await TaskRunner.openTask(await openBundle(dir), task.id, { threads: 1 })],
  ]);
  const executor = new WorkerExecutor({}, { manifest, bundleId: 'b'.repeat(64), runners });
  const running = await startRolePeer(new WorkerRole({ executor }));
  const role = running.role;
  try {
    const idle = role.localStatus();
    assert.equal(idle.status, 'ready');
    // Derived, not declared: the runtime, its version, the provider and the host CPU.
    assert.match(idle.hardwareClass ?? '', /^onnxruntime-node\/\d+\.\d+\.\d+\/cpu\/[a-z0-9_]+\/.+/);
    assert.deepEqual(idle.tasks, [task.id]);
    // Not the hard-coded 0 of before: within what the OS reports, give or take other processes.
    const free = Number(idle.freeVramBytes);
    assert.ok(free > 0 && Math.abs(free - freemem()) < freemem() / 2, `freeVramBytes ${free}`);

    // An accepted instance waits for inputs that never come: its one session is taken.
    const me = running.node.peerId.toString();
    role.onAssign(
      {
        type: 'assign',
        executionId: 'e1',
        taskId: task.id,
        bundleId: 'b'.repeat(64),
        client: { peer: me, addrs: [] },
        routes: [],
        sources: task.inputs.map((i) => ({ tensor: i.name, peer: me })),
        deadline: Date.now() + 60_000,
      },
      running.node.peerId,
    );
    assert.equal(role.localStatus().status, 'busy');
  } finally {
    const stopping = running.stop();
    assert.equal(role.localStatus().status, 'draining');
    await stopping;
  }
});
