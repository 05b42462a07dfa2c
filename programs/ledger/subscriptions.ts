// Websocket subscriptions (Solana's PubSub API): signature, account, program, logs, slot and root.
// The hub listens to the bank's events and pushes notifications to the connections that asked.
import { SystemProgram } from '@solana/web3.js';
import {
  type AccountEncoding,
  type AccountFilter,
  accountJson,
  type DataSlice,
  matchesFilters,
  parseDataSlice,
  parseEncoding,
  parseFilters,
} from './account-json.js';
import type { AccountState, BankEvent, LedgerBank } from './bank.js';
import { parsePubkey, parseSignature } from './codec.js';
import { MAX_SUBSCRIPTIONS_PER_CONNECTION, MAX_SUBSCRIPTIONS_TOTAL } from './constants.js';
import { invalidParams, subscriptionRefused } from './rpc-error.js';
import type { RpcMethods } from './rpc-methods.js';
import { config, requiredCount } from './rpc-params.js';

/** One client connection: how to push a notification to it. */
export interface SubscriberConnection {
  notify(method: string, subscription: number, result: unknown): void;
}

type Subscription = { connection: SubscriberConnection } & (
  | { kind: 'account'; pubkey: string; encoding: AccountEncoding; slice: DataSlice | undefined }
  | {
      kind: 'program';
      owner: string;
      encoding: AccountEncoding;
      slice: DataSlice | undefined;
      filters: AccountFilter[];
    }
  | { kind: 'signature'; signature: string }
  | { kind: 'logs'; mentions: string | undefined }
  | { kind: 'slot' }
  | { kind: 'root' }
);

type Kind = Subscription['kind'];

const SYSTEM_PROGRAM = SystemProgram.programId.toBase58();

/**
 * web3.js maps a server subscription id to its callbacks only after the subscribe reply's promise
 * settles; a notification read in the same socket chunk as that reply is dropped. Waiting a moment
 * keeps the notification for an already-landed signature out of that chunk.
 */
const LANDED_SIGNATURE_NOTIFY_DELAY_MS = 100;

/** Solana's view of a closed account in notifications: zero lamports, owned by System, no data. */
const CLOSED_ACCOUNT: AccountState = {
  lamports: 0n,
  owner: SYSTEM_PROGRAM,
  data: new Uint8Array(0),
  executable: false,
};

export class SubscriptionHub {
  private nextId = 0;
  private readonly subscriptions = new Map<number, Subscription>();
  /** Each connection's subscription ids: its cap, and what to free when it goes away. */
  private readonly byConnection = new Map<SubscriberConnection, Set<number>>();
  private readonly unlisten: () => void;

  constructor(private readonly bank: LedgerBank) {
    this.unlisten = bank.onEvent((event) => this.dispatch(event));
  }

  close(): void {
    this.unlisten();
    this.subscriptions.clear();
    this.byConnection.clear();
  }

  get size(): number {
    return this.subscriptions.size;
  }

  /** Connections holding at least one subscription. */
  get connections(): number {
    return this.byConnection.size;
  }

  /** Forgets every subscription of a connection that went away. */
  dropConnection(connection: SubscriberConnection): void {
    for (const id of this.byConnection.get(connection) ?? []) this.subscriptions.delete(id);
    this.byConnection.delete(connection);
  }

  private add(sub: Subscription): number {
    const ids = this.byConnection.get(sub.connection) ?? new Set<number>();
    if (ids.size >= MAX_SUBSCRIPTIONS_PER_CONNECTION) {
      throw subscriptionRefused(
        `Subscription refused: this connection holds ${ids.size} subscriptions, the most one may (unsubscribe first)`,
      );
    }
    if (this.subscriptions.size >= MAX_SUBSCRIPTIONS_TOTAL) {
      throw subscriptionRefused(
        `Subscription refused: the ledger holds ${this.subscriptions.size} subscriptions, the most it serves`,
      );
    }
    const id = this.nextId++;
    this.subscriptions.set(id, sub);
    ids.add(id);
    this.byConnection.set(sub.connection, ids);
    return id;
  }

  /** Removes one subscription; false when it was already gone. */
  private remove(id: number): boolean {
    const sub = this.subscriptions.get(id);
    if (!sub) return false;
    this.subscriptions.delete(id);
    const ids = this.byConnection.get(sub.connection);
    ids?.delete(id);
    if (ids?.size === 0) this.byConnection.delete(sub.connection);
    return true;
  }

  /** The subscribe/unsubscribe methods, bound to one connection. */
  methodsFor(connection: SubscriberConnection): RpcMethods {
    const add = (sub: Subscription) => this.add(sub);
    const remover = (kind: Kind) => (params: readonly unknown[]) => {
      const id = requiredCount(params, 0, 'subscription id');
      const sub = this.subscriptions.get(id);
      if (!sub || sub.kind !== kind || sub.connection !== connection)
        throw invalidParams('Invalid subscription id.');
      this.remove(id);
      return true;
    };
    return {
      accountSubscribe: (params) => {
        const pubkey = parsePubkey(params[0]);
        const cfg = config(params, 1);
        return add({
          connection,
          kind: 'account',
          pubkey,
          encoding: parseEncoding(cfg.encoding, 'binary'),
          slice: parseDataSlice(cfg.dataSlice),
        });
      },
      accountUnsubscribe: remover('account'),
      programSubscribe: (params) => {
        const owner = parsePubkey(params[0], 'program id');
        const cfg = config(params, 1);
        return add({
          connection,
          kind: 'program',
          owner,
          encoding: parseEncoding(cfg.encoding, 'binary'),
          slice: parseDataSlice(cfg.dataSlice),
          filters: parseFilters(cfg.filters),
        });
      },
      programUnsubscribe: remover('program'),
      signatureSubscribe: (params) => {
        const signature = parseSignature(params[0]);
        config(params, 1);
        const id = add({ connection, kind: 'signature', signature });
        // Already landed: answer once the client has surely taken in the subscription id.
        const status = this.bank.getSignatureStatus(signature);
        if (status) {
          const timer = setTimeout(() => {
            if (!this.remove(id)) return;
            connection.notify('signatureNotification', id, this.context(status.slot, { err: status.err }));
          }, LANDED_SIGNATURE_NOTIFY_DELAY_MS);
          timer.unref();
        }
        return id;
      },
      signatureUnsubscribe: remover('signature'),
      logsSubscribe: (params) => {
        const filter = params[0];
        config(params, 1);
        if (filter === 'all' || filter === 'allWithVotes')
          return add({ connection, kind: 'logs', mentions: undefined });
        const mentions = (filter as { mentions?: unknown } | undefined)?.mentions;
        if (!Array.isArray(mentions) || mentions.length !== 1) {
          throw invalidParams(
            'Invalid params: logs filter must be "all", "allWithVotes" or {mentions: [one pubkey]}',
          );
        }
        return add({ connection, kind: 'logs', mentions: parsePubkey(mentions[0], 'mentions') });
      },
      logsUnsubscribe: remover('logs'),
      slotSubscribe: () => add({ connection, kind: 'slot' }),
      slotUnsubscribe: remover('slot'),
      rootSubscribe: () => add({ connection, kind: 'root' }),
      rootUnsubscribe: remover('root'),
    };
  }

  private context(slot: number, value: unknown) {
    return { context: { slot }, value };
  }

  private mintData = (mint: string) => this.bank.getAccount(mint)?.data;

  private dispatch(event: BankEvent): void {
    for (const [id, sub] of this.subscriptions) {
      try {
        this.deliver(id, sub, event);
      } catch {
        // An account that cannot be encoded as asked (e.g. base58 over the size cap) is skipped.
      }
    }
  }

  private deliver(id: number, sub: Subscription, event: BankEvent): void {
    const { connection } = sub;
    if (event.type === 'slot') {
      if (sub.kind === 'slot') {
        connection.notify('slotNotification', id, {
          parent: event.parent,
          root: event.parent,
          slot: event.slot,
        });
      } else if (sub.kind === 'root') {
        connection.notify('rootNotification', id, event.parent);
      }
      return;
    }
    if (event.type === 'transaction') {
      const { record } = event;
      if (sub.kind === 'signature' && sub.signature === record.signature) {
        this.remove(id); // Solana ends a signature subscription after its one notification
        connection.notify('signatureNotification', id, this.context(record.slot, { err: record.err }));
      } else if (
        sub.kind === 'logs' &&
        (sub.mentions === undefined || record.accountKeys.includes(sub.mentions))
      ) {
        connection.notify(
          'logsNotification',
          id,
          this.context(record.slot, { signature: record.signature, err: record.err, logs: record.logs }),
        );
      }
      return;
    }
    const account = event.account ?? CLOSED_ACCOUNT;
    if (sub.kind === 'account' && sub.pubkey === event.pubkey) {
      connection.notify(
        'accountNotification',
        id,
        this.context(event.slot, accountJson(account, sub.encoding, sub.slice, this.mintData)),
      );
    } else if (
      sub.kind === 'program' &&
      account.owner === sub.owner &&
      matchesFilters(account.data, sub.filters)
    ) {
      connection.notify(
        'programNotification',
        id,
        this.context(event.slot, {
          pubkey: event.pubkey,
          account: accountJson(account, sub.encoding, sub.slice, this.mintData),
        }),
      );
    }
  }
}
