// Per-(execution, task) holding area for verified tensors. A tensor is accepted only for an
// (execution, task) somebody registered with awaitTensors() (a worker does so the moment it
// accepts an assignment; a client for the model outputs of an execution it started), only from the
// peer named for that input, and only within a global and a per-sender byte budget. Nothing is
// held for tasks nobody awaits, so there are no unclaimed tensors to expire: an expectation's
// tensors are freed when it settles or its signal aborts (the assignment's deadline).
import type { Tensor, TensorSpec } from '../../storage/tensors/tensor.js';
import { TensorStreamError, TensorStreamErrorCode } from './errors.js';

/** What a registered (execution, task) accepts: its inputs and, for each, its one sender. */
export interface Expectation {
  specs: readonly TensorSpec[];
  /** Tensor name -> the PeerId string it is accepted from. */
  senders: Readonly<Record<string, string>>;
}

interface Held {
  tensor: Tensor;
  /** PeerId string of the peer that sent it (whose budget its bytes count against). */
  sender: string;
}

interface Entry extends Expectation {
  tensors: Map<string, Held>;
  resolve: (tensors: Record<string, Tensor>) => void;
  reject: (err: Error) => void;
}

export interface TensorInboxInit {
  /** Bytes held and reserved, summed over every sender. */
  maxBytes: number;
  /** Bytes held and reserved for any one sender: one peer cannot take the whole inbox. */
  maxBytesPerSender: number;
}

const keyOf = (executionId: string, taskId: string) => `${executionId}\u0000${taskId}`;

export class TensorInbox {
  private readonly entries = new Map<string, Entry>();
  /** Bytes held in entries plus bytes reserved by streams still receiving. */
  private usedBytes = 0;
  private readonly bytesBySender = new Map<string, number>();

  constructor(private readonly init: TensorInboxInit) {}

  get bufferedBytes(): number {
    return this.usedBytes;
  }

  /** Bytes held and reserved for `sender` right now. */
  bytesFrom(sender: string): number {
    return this.bytesBySender.get(sender) ?? 0;
  }

  /** What (execution, task) accepts, or undefined when nobody awaits it (never assigned, or done). */
  expectation(executionId: string, taskId: string): Expectation | undefined {
    return this.entries.get(keyOf(executionId, taskId));
  }

  /**
   * Throws when tensor `name` from `sender` may not be added: UNEXPECTED_TASK when nobody awaits
   * (execution, task), UNAUTHORIZED_SENDER when it is awaited from another peer, DUPLICATE_TENSOR
   * when it already arrived.
   */
  checkArrival(executionId: string, taskId: string, name: string, sender: string): void {
    const entry = this.entries.get(keyOf(executionId, taskId));
    if (entry === undefined) throw unexpected(executionId, taskId);
    if (entry.senders[name] !== sender) {
      throw new TensorStreamError(
        TensorStreamErrorCode.UNAUTHORIZED_SENDER,
        `task ${taskId}/${executionId} accepts ${name} from ${entry.senders[name] ?? 'nobody'}, not from ${sender}`,
      );
    }
    if (entry.tensors.has(name)) throw duplicate(executionId, taskId, name);
  }

  /**
   * Reserves room for a payload from `sender` before it is allocated: INBOX_FULL past the global
   * cap, SENDER_OVER_BUDGET past the sender's own.
   */
  reserve(bytes: number, sender: string): void {
    const fromSender = this.bytesFrom(sender);
    if (fromSender + bytes > this.init.maxBytesPerSender) {
      throw new TensorStreamError(
        TensorStreamErrorCode.SENDER_OVER_BUDGET,
        `receiving ${bytes} more bytes from ${sender} would exceed its ${this.init.maxBytesPerSender}-byte budget (holding ${fromSender})`,
      );
    }
    if (this.usedBytes + bytes > this.init.maxBytes) {
      throw new TensorStreamError(
        TensorStreamErrorCode.INBOX_FULL,
        `receiving ${bytes} more bytes would exceed the ${this.init.maxBytes}-byte inbox (holding ${this.usedBytes})`,
      );
    }
    this.count(bytes, sender);
  }

  release(bytes: number, sender: string): void {
    this.count(-Math.min(bytes, this.bytesFrom(sender)), sender);
  }

  /**
   * Adds verified tensors from `sender` (their bytes already reserved under it) and wakes the
   * waiter once its set is complete. Checks again, all before changing anything, what the header
   * checks said: the expectation may have settled or aborted while the payload was on its way.
   */
  deliver(executionId: string, taskId: string, tensors: ReadonlyMap<string, Tensor>, sender: string): void {
    for (const name of tensors.keys()) this.checkArrival(executionId, taskId, name, sender);
    const key = keyOf(executionId, taskId);
    const entry = this.entries.get(key)!;
    for (const [name, tensor] of tensors) entry.tensors.set(name, { tensor, sender });
    this.settle(key, entry);
  }

  /**
   * Hands tensors this peer produced to its own next task: the same objects, no copy, with `self`
   * as the sender the assignment names. The bytes are counted (they are held until the task runs)
   * but never refused for room: they are already in memory, and refusing them would fail the task.
   */
  deliverLocal(
    executionId: string,
    taskId: string,
    tensors: ReadonlyMap<string, Tensor>,
    self: string,
  ): void {
    for (const name of tensors.keys()) this.checkArrival(executionId, taskId, name, self);
    let bytes = 0;
    for (const tensor of tensors.values()) bytes += tensor.data.byteLength;
    this.count(bytes, self);
    this.deliver(executionId, taskId, tensors, self);
  }

  /**
   * Registers (execution, task) and resolves once every tensor in `specs` has arrived, each from
   * its peer in `senders`. Until this call, tensors for it are refused before their payload.
   */
  awaitTensors(
    executionId: string,
    taskId: string,
    specs: readonly TensorSpec[],
    signal: AbortSignal | undefined,
    senders: Readonly<Record<string, string>>,
  ): Promise<Record<string, Tensor>> {
    const key = keyOf(executionId, taskId);
    if (this.entries.has(key)) {
      return Promise.reject(
        new TensorStreamError(
          TensorStreamErrorCode.DUPLICATE_TENSOR,
          `task ${taskId} of execution ${executionId} is already awaited`,
        ),
      );
    }
    const unsent = specs.find((s) => senders[s.name] === undefined);
    if (unsent !== undefined) {
      return Promise.reject(
        new TensorStreamError(
          TensorStreamErrorCode.UNAUTHORIZED_SENDER,
          `task ${taskId} of execution ${executionId} names no sender for ${unsent.name}`,
        ),
      );
    }
    const aborted = () =>
      new TensorStreamError(
        TensorStreamErrorCode.ABORTED,
        `stopped awaiting tensors of task ${taskId} of execution ${executionId}`,
        { cause: signal?.reason },
      );
    if (signal?.aborted) return Promise.reject(aborted());
    return new Promise<Record<string, Tensor>>((resolve, reject) => {
      const onAbort = () => {
        this.drop(key);
        reject(aborted());
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      const done = () => signal?.removeEventListener('abort', onAbort);
      this.entries.set(key, {
        specs,
        senders,
        tensors: new Map(),
        resolve: (t) => {
          done();
          resolve(t);
        },
        reject: (e) => {
          done();
          reject(e);
        },
      });
    });
  }

  /** Rejects every waiter and drops every held tensor. */
  clear(reason: Error): void {
    for (const [key, entry] of this.entries) {
      this.drop(key);
      entry.reject(reason);
    }
  }

  private settle(key: string, entry: Entry): void {
    if (!entry.specs.every((s) => entry.tensors.has(s.name))) return;
    this.drop(key);
    const out: Record<string, Tensor> = {};
    for (const spec of entry.specs) out[spec.name] = entry.tensors.get(spec.name)!.tensor;
    entry.resolve(out);
  }

  /** Forgets the entry and its bytes (a settled set now belongs to whoever awaited it). */
  private drop(key: string): void {
    const entry = this.entries.get(key);
    if (entry === undefined) return;
    this.entries.delete(key);
    for (const held of entry.tensors.values()) this.release(held.tensor.data.byteLength, held.sender);
  }

  private count(bytes: number, sender: string): void {
    this.usedBytes = Math.max(0, this.usedBytes + bytes);
    const next = this.bytesFrom(sender) + bytes;
    if (next > 0) this.bytesBySender.set(sender, next);
    else this.bytesBySender.delete(sender);
  }
}

export function unexpected(executionId: string, taskId: string): TensorStreamError {
  return new TensorStreamError(
    TensorStreamErrorCode.UNEXPECTED_TASK,
    `this peer awaits no tensors for task ${taskId} of execution ${executionId} (not assigned, or already run)`,
  );
}

export function duplicate(executionId: string, taskId: string, name: string): TensorStreamError {
  return new TensorStreamError(
    TensorStreamErrorCode.DUPLICATE_TENSOR,
    `tensor ${name} of task ${taskId}/${executionId} was already received`,
  );
}
