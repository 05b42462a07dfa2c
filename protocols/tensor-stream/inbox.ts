// Per-(execution, task) holding area for verified tensors: streams deliver into it (possibly from
// several upstream peers, possibly before the task awaits them) and awaitTensors() claims a full set.
import { shapeMatches, type Tensor, type TensorSpec } from '../../storage/tensors/tensor.js';
import { TensorStreamError, TensorStreamErrorCode } from './errors.js';

interface Waiter {
  specs: readonly TensorSpec[];
  /** Tensor name -> the only PeerId it is accepted from; undefined: from any peer. */
  senders: Readonly<Record<string, string>> | undefined;
  resolve: (tensors: Record<string, Tensor>) => void;
  reject: (err: Error) => void;
}

interface Held {
  tensor: Tensor;
  /** PeerId string of the peer that sent it. */
  sender: string;
}

interface Entry {
  /**
   * Tensor name -> what arrived under it. Before the task awaits, several peers may have sent the
   * same name (one of them the rightful sender); the await keeps the named sender's only.
   */
  tensors: Map<string, Held[]>;
  bytes: number;
  waiter?: Waiter;
  expiry?: NodeJS.Timeout;
}

export interface TensorInboxInit {
  maxBytes: number;
  unclaimedTtlMs: number;
  /** The inputs the local node declares for a task, used when nobody awaits it yet. */
  interfaceFor?: (taskId: string) => readonly TensorSpec[] | undefined;
}

const keyOf = (executionId: string, taskId: string) => `${executionId}\u0000${taskId}`;

export class TensorInbox {
  private readonly entries = new Map<string, Entry>();
  /** Bytes held in entries plus bytes reserved by streams still receiving. */
  private usedBytes = 0;

  constructor(private readonly init: TensorInboxInit) {}

  get bufferedBytes(): number {
    return this.usedBytes;
  }

  /** The specs incoming tensors for (execution, task) are checked against; undefined: not expected. */
  specsFor(executionId: string, taskId: string): readonly TensorSpec[] | undefined {
    return this.entries.get(keyOf(executionId, taskId))?.waiter?.specs ?? this.init.interfaceFor?.(taskId);
  }

  /**
   * Throws when tensor `name` from `sender` may not be added: UNAUTHORIZED_SENDER when the
   * awaiting task expects it from another peer, DUPLICATE_TENSOR when this sender already delivered
   * it (or, once the task awaits without naming senders, anyone did).
   */
  checkArrival(executionId: string, taskId: string, name: string, sender: string): void {
    const entry = this.entries.get(keyOf(executionId, taskId));
    const senders = entry?.waiter?.senders;
    if (senders !== undefined && senders[name] !== sender) {
      throw new TensorStreamError(
        TensorStreamErrorCode.UNAUTHORIZED_SENDER,
        `task ${taskId}/${executionId} accepts ${name} from ${senders[name] ?? 'nobody'}, not from ${sender}`,
      );
    }
    const held = entry?.tensors.get(name) ?? [];
    const anyCopyCounts = entry?.waiter !== undefined && senders === undefined;
    if (anyCopyCounts ? held.length > 0 : held.some((h) => h.sender === sender)) {
      throw duplicate(executionId, taskId, name);
    }
  }

  /** Reserves room for a payload before it is allocated; throws INBOX_FULL past the cap. */
  reserve(bytes: number): void {
    if (this.usedBytes + bytes > this.init.maxBytes) {
      throw new TensorStreamError(
        TensorStreamErrorCode.INBOX_FULL,
        `receiving ${bytes} more bytes would exceed the ${this.init.maxBytes}-byte inbox (holding ${this.usedBytes})`,
      );
    }
    this.usedBytes += bytes;
  }

  release(bytes: number): void {
    this.usedBytes = Math.max(0, this.usedBytes - bytes);
  }

  /**
   * Adds verified tensors (their bytes already reserved) and wakes a waiter whose set is complete.
   * Checks again, all before changing anything, what the header checks said: the task may have
   * started awaiting, naming its senders, while the payload was on its way.
   */
  deliver(executionId: string, taskId: string, tensors: ReadonlyMap<string, Tensor>, sender: string): void {
    for (const name of tensors.keys()) this.checkArrival(executionId, taskId, name, sender);
    const key = keyOf(executionId, taskId);
    let entry = this.entries.get(key);
    if (entry === undefined) {
      entry = { tensors: new Map(), bytes: 0 };
      this.entries.set(key, entry);
    }
    for (const [name, tensor] of tensors) {
      const held = entry.tensors.get(name) ?? [];
      held.push({ tensor, sender });
      entry.tensors.set(name, held);
      entry.bytes += tensor.data.byteLength;
    }
    if (entry.waiter !== undefined) this.settle(key, entry);
    else this.armExpiry(key, entry);
  }

  /**
   * Resolves once every tensor in `specs` has arrived for (execution, task). With `senders`, each
   * tensor is accepted only from its named peer: tensors another peer sent before this call are
   * dropped, later ones are rejected before their payload.
   */
  awaitTensors(
    executionId: string,
    taskId: string,
    specs: readonly TensorSpec[],
    signal?: AbortSignal,
    senders?: Readonly<Record<string, string>>,
  ): Promise<Record<string, Tensor>> {
    const key = keyOf(executionId, taskId);
    let entry = this.entries.get(key);
    if (entry?.waiter !== undefined) {
      return Promise.reject(
        new TensorStreamError(
          TensorStreamErrorCode.DUPLICATE_TENSOR,
          `task ${taskId} of execution ${executionId} is already awaited`,
        ),
      );
    }
    if (entry === undefined) {
      entry = { tensors: new Map(), bytes: 0 };
      this.entries.set(key, entry);
    }
    clearTimeout(entry.expiry);
    this.keepOnePerName(entry, senders);
    let resolve!: (tensors: Record<string, Tensor>) => void;
    let reject!: (err: Error) => void;
    const promise = new Promise<Record<string, Tensor>>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    const onAbort = () => {
      this.drop(key);
      reject(
        new TensorStreamError(
          TensorStreamErrorCode.ABORTED,
          `stopped awaiting tensors of task ${taskId} of execution ${executionId}`,
          { cause: signal?.reason },
        ),
      );
    };
    if (signal?.aborted) {
      onAbort();
      return promise;
    }
    signal?.addEventListener('abort', onAbort, { once: true });
    entry.waiter = {
      specs,
      senders,
      resolve: (t) => {
        signal?.removeEventListener('abort', onAbort);
        resolve(t);
      },
      reject: (e) => {
        signal?.removeEventListener('abort', onAbort);
        reject(e);
      },
    };
    this.settle(key, entry);
    return promise;
  }

  /** Rejects every waiter and drops every held tensor. */
  clear(reason: Error): void {
    for (const [key, entry] of this.entries) {
      this.drop(key);
      entry.waiter?.reject(reason);
    }
  }

  private settle(key: string, entry: Entry): void {
    const waiter = entry.waiter!;
    if (!waiter.specs.every((s) => (entry.tensors.get(s.name)?.length ?? 0) > 0)) return;
    this.drop(key);
    const out: Record<string, Tensor> = {};
    for (const spec of waiter.specs) {
      const tensor = entry.tensors.get(spec.name)![0]!.tensor;
      // Tensors that arrived before the await were checked against interfaceFor(); re-check them
      // against what the task actually asked for.
      if (tensor.dtype !== spec.dtype || !shapeMatches(spec.shape, tensor.shape)) {
        waiter.reject(
          new TensorStreamError(
            tensor.dtype !== spec.dtype
              ? TensorStreamErrorCode.DTYPE_MISMATCH
              : TensorStreamErrorCode.SHAPE_MISMATCH,
            `received ${spec.name} as ${tensor.dtype}[${tensor.shape.join(',')}], awaited ${spec.dtype}[${spec.shape.join(',')}]`,
          ),
        );
        return;
      }
      out[spec.name] = tensor;
    }
    waiter.resolve(out);
  }

  /**
   * Leaves one tensor per name: the named sender's when `senders` is given (others came from
   * peers with no business sending it), else the first to arrive.
   */
  private keepOnePerName(entry: Entry, senders: Readonly<Record<string, string>> | undefined): void {
    for (const [name, held] of entry.tensors) {
      const keep = senders === undefined ? held[0] : held.find((h) => h.sender === senders[name]);
      for (const h of held) {
        if (h === keep) continue;
        entry.bytes -= h.tensor.data.byteLength;
        this.release(h.tensor.data.byteLength);
      }
      if (keep === undefined) entry.tensors.delete(name);
      else entry.tensors.set(name, [keep]);
    }
  }

  private armExpiry(key: string, entry: Entry): void {
    clearTimeout(entry.expiry);
    entry.expiry = setTimeout(() => this.drop(key), this.init.unclaimedTtlMs);
    entry.expiry.unref();
  }

  private drop(key: string): void {
    const entry = this.entries.get(key);
    if (entry === undefined) return;
    clearTimeout(entry.expiry);
    this.entries.delete(key);
    this.release(entry.bytes);
  }
}

export function duplicate(executionId: string, taskId: string, name: string): TensorStreamError {
  return new TensorStreamError(
    TensorStreamErrorCode.DUPLICATE_TENSOR,
    `tensor ${name} of task ${taskId}/${executionId} was already received`,
  );
}
