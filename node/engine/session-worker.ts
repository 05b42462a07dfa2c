// Worker-thread entry: owns one onnxruntime session (weights stay loaded) and the task's state
// (e.g. KV cache) between steps. onnxruntime-node's run blocks its thread, hence a thread per session.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import * as ort from 'onnxruntime-node';
import type { Tensor } from '../../storage/tensors/tensor.js';
import { isCodedError } from '../errors.js';
import { EngineErrorCode } from './errors.js';
import { fromOrtTensor, toOrtTensor } from './ort-tensor.js';
import { ownsBuffer, transferableBuffers } from './transfer.js';
import type { SessionWorkerData, ValueInfo, WorkerReply, WorkerRequest } from './worker-protocol.js';

const port = parentPort!;
const data = workerData as SessionWorkerData;
/** Sequence key -> state input name -> the previous step's state output, as onnxruntime tensors. */
const heldState = new Map<string, Map<string, ort.Tensor>>();
const stateOutputs = new Set(data.state.map((b) => b.output));

function post(reply: WorkerReply, transfer: ArrayBuffer[] = []): void {
  port.postMessage(reply, transfer);
}

function infoOf(meta: readonly ort.InferenceSession.ValueMetadata[]): ValueInfo[] {
  return meta.map((m) =>
    m.isTensor
      ? { name: m.name, type: m.type, shape: [...m.shape] }
      : { name: m.name, type: undefined, shape: [] },
  );
}

async function run(session: ort.InferenceSession, req: Extract<WorkerRequest, { op: 'run' }>): Promise<void> {
  try {
    const feeds: Record<string, ort.Tensor> = {};
    for (const [name, tensor] of Object.entries(req.inputs)) feeds[name] = toOrtTensor(name, tensor);
    const held = heldState.get(req.stateKey);
    for (const binding of data.state) {
      const previous = held?.get(binding.input);
      if (!(binding.input in feeds) && previous) feeds[binding.input] = previous;
    }
    const started = performance.now();
    const results = await session.run(feeds);
    const computeMs = performance.now() - started;
    if (data.state.length > 0) {
      const next = new Map<string, ort.Tensor>();
      for (const binding of data.state) next.set(binding.input, results[binding.output] as ort.Tensor);
      heldState.set(req.stateKey, next);
    }
    const outputs: Record<string, Tensor> = {};
    const transfer: ArrayBuffer[] = [];
    for (const [name, value] of Object.entries(results)) {
      const isState = stateOutputs.has(name);
      if (isState && !req.returnState) continue;
      const tensor = fromOrtTensor(name, value as ort.Tensor);
      // State stays here for the next step, so the caller gets a copy; other outputs move out.
      if (isState || !ownsBuffer(tensor.data)) tensor.data = tensor.data.slice();
      transfer.push(tensor.data.buffer as ArrayBuffer);
      // Hashed here, off the peer's network thread: the tensor stream sends it in its header.
      tensor.sha256 = createHash('sha256').update(tensor.data).digest();
      outputs[name] = tensor;
    }
    // onnxruntime is done with the inputs: their buffers go back for the caller to reuse.
    const returnedInputs = req.returnInputs
      ? transferableBuffers(Object.values(req.inputs)).filter((b) => !transfer.includes(b))
      : [];
    post({ op: 'result', id: req.id, outputs, computeMs, returnedInputs }, [...transfer, ...returnedInputs]);
  } catch (err) {
    const code = isCodedError(err) ? err.code : EngineErrorCode.RUN_FAILED;
    post({ op: 'run-error', id: req.id, code, message: err instanceof Error ? err.message : String(err) });
  }
}

async function createSession(): Promise<ort.InferenceSession | undefined> {
  try {
    return await ort.InferenceSession.create(
      data.modelPath,
      data.options as ort.InferenceSession.SessionOptions,
    );
  } catch (err) {
    post({ op: 'load-error', message: err instanceof Error ? err.message : String(err) });
    port.close(); // nothing else keeps the thread alive: it ends
    return undefined;
  }
}

function serve(session: ort.InferenceSession): void {
  // Requests are handled one at a time in arrival order: a stateful task's steps must not interleave.
  let queue: Promise<void> = Promise.resolve();
  port.on('message', (req: WorkerRequest) => {
    queue = queue.then(async () => {
      switch (req.op) {
        case 'run':
          return run(session, req);
        case 'reset-state':
          if (req.stateKey === undefined) heldState.clear();
          else heldState.delete(req.stateKey);
          return;
        case 'dispose':
          heldState.clear();
          await session.release();
          post({ op: 'disposed' });
          port.close();
          return;
        case 'crash':
          setImmediate(() => {
            // A deliberate uncaught exception: tests use it to check that a dead worker is replaced.
            assert.fail('session worker crashed on request');
          });
          return;
      }
    });
  });
  post({ op: 'ready', inputs: infoOf(session.inputMetadata), outputs: infoOf(session.outputMetadata) });
}

const session = await createSession();
if (session) serve(session);
