// Silent TCP sockets against a listening peer, as an attacker holding its handshake slots: each
// socket connects from one of the given loopback source addresses, sends nothing, and is opened
// again shortly after the peer closes it, so the pressure lasts for as long as the flood is held.
// Used by the silent-flood test and bench, with the legitimate peers they dial from other addresses.
import { connect, type Socket } from 'node:net';
import { generateKeyPair } from '@libp2p/crypto/keys';
import { type TCPSocketOptions, tcp } from '@libp2p/tcp';
import { createPeer, type SplitUpPeer } from '../../node/peer/create-peer.js';

/** Pause before re-opening a socket the peer closed: keeps the flood from spinning two shared cores. */
const REOPEN_DELAY_MS = 200;

export interface SilentFloodOptions {
  host: string;
  port: number;
  /** Sockets kept open (or re-opened) at once. */
  sockets: number;
  /** Source addresses, used in turn (127.0.0.x: Linux routes all of 127/8 to loopback). */
  sources: readonly string[];
}

export interface SilentFlood {
  /** How long each socket the peer closed had stayed open, in ms, in the order they closed. */
  readonly heldMs: number[];
  /** Sockets connected and not yet closed by the peer. */
  open(): number;
  /** How long the oldest socket still open has been open, in ms (0 when none is). */
  oldestOpenMs(): number;
  /** Closes every socket and stops re-opening them. */
  stop(): void;
}

export function startSilentFlood(options: SilentFloodOptions): SilentFlood {
  const heldMs: number[] = [];
  /** Open sockets and when each connected. */
  const live = new Map<Socket, number>();
  const timers = new Set<ReturnType<typeof setTimeout>>();
  let stopped = false;

  const open = (source: string) => {
    if (stopped) return;
    const socket = connect({ host: options.host, port: options.port, localAddress: source });
    let connectedAt: number | undefined;
    socket.on('connect', () => {
      connectedAt = performance.now();
      live.set(socket, connectedAt);
    });
    // The peer refuses by resetting: an error is as expected as a close here.
    socket.on('error', () => undefined);
    socket.on('close', () => {
      live.delete(socket);
      if (stopped) return;
      if (connectedAt !== undefined) heldMs.push(performance.now() - connectedAt);
      const timer = setTimeout(() => {
        timers.delete(timer);
        open(source);
      }, REOPEN_DELAY_MS);
      timers.add(timer);
    });
  };

  for (let i = 0; i < options.sockets; i++) open(options.sources[i % options.sources.length]!);
  return {
    heldMs,
    open: () => live.size,
    oldestOpenMs: () => {
      const now = performance.now();
      let oldest = 0;
      for (const at of live.values()) oldest = Math.max(oldest, now - at);
      return oldest;
    },
    stop: () => {
      stopped = true;
      for (const t of timers) clearTimeout(t);
      for (const s of live.keys()) s.destroy();
    },
  };
}

/** `count` loopback addresses from 127.0.0.`first` on. */
export function loopbackSources(first: number, count: number): string[] {
  return Array.from({ length: count }, (_, i) => `127.0.0.${first + i}`);
}

/** A peer from the peer's own factory that listens on, and dials from, one loopback address: a host of its own. */
export async function peerAtAddress(ip: string): Promise<SplitUpPeer> {
  // net.connect takes localAddress; @libp2p/tcp passes dialOpts through to it, untyped.
  const dialOpts = { localAddress: ip } as TCPSocketOptions;
  return createPeer({
    privateKey: await generateKeyPair('Ed25519'),
    listen: [`/ip4/${ip}/tcp/0`],
    transports: [tcp({ dialOpts })],
  });
}
