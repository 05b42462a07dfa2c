// Who may start a handshake with this peer. libp2p caps the inbound handshakes in progress, their
// duration and their rate per address, but a few addresses holding silent sockets can still take
// every slot. This gate adds what libp2p lacks: a cap per address (an IPv4 address, an IPv6 /64), and
// a reserve of slots that only addresses with a history may take (the bootstrap list, and any address
// a connection completed with, in either direction: a silent socket never completes one). Installed
// as the node's connection gater.
import { isIPv4 } from 'node:net';
import type { ConnectionGater, MultiaddrConnection } from '@libp2p/interface';
import { getNetConfig, isNetworkAddress } from '@libp2p/utils';
import { type Multiaddr, multiaddr } from '@multiformats/multiaddr';
import {
  IPV6_PREFIX_BITS,
  MAX_KNOWN_IPS,
  MAX_PENDING_HANDSHAKES,
  MAX_PENDING_HANDSHAKES_PER_IP,
  RESERVED_HANDSHAKES_FOR_KNOWN,
} from './constants.js';

export interface HandshakeLimits {
  /** All pending handshakes; libp2p refuses past it on its own (maxIncomingPendingConnections). */
  total: number;
  /** Of `total`, the slots strangers may not take. */
  reservedForKnown: number;
  perIp: number;
  maxKnownIps: number;
}

export const DEFAULT_HANDSHAKE_LIMITS: HandshakeLimits = {
  total: MAX_PENDING_HANDSHAKES,
  reservedForKnown: RESERVED_HANDSHAKES_FOR_KNOWN,
  perIp: MAX_PENDING_HANDSHAKES_PER_IP,
  maxKnownIps: MAX_KNOWN_IPS,
};

/**
 * The unit the per-address caps count: an IPv4 address, or the IPv6 prefix of `IPV6_PREFIX_BITS`
 * (a host picks any address in its /64). An IPv4 address mapped into IPv6 (a dual-stack listener)
 * counts as itself, not as one prefix shared by every IPv4 peer.
 */
export function addressKey(ip: string): string {
  const bare = ip.split('%')[0]!;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(bare);
  if (mapped) return mapped[1]!;
  if (isIPv4(bare)) return bare;
  const [head = '', tail] = bare.split('::');
  const headGroups = head === '' ? [] : head.split(':');
  const tailGroups = tail === undefined || tail === '' ? [] : tail.split(':');
  const zeros = tail === undefined ? [] : Array<string>(8 - headGroups.length - tailGroups.length).fill('0');
  const groups = [...headGroups, ...zeros, ...tailGroups].slice(0, IPV6_PREFIX_BITS / 16);
  return `${groups.map((g) => Number.parseInt(g, 16).toString(16)).join(':')}::/${IPV6_PREFIX_BITS}`;
}

/** The address key of an address (see above), or undefined for one without an IP (memory, unix, DNS). */
function keyOf(addr: Multiaddr): string | undefined {
  if (!isNetworkAddress(addr)) return undefined;
  const config = getNetConfig(addr);
  return config.type === 'ip4' || config.type === 'ip6' ? addressKey(config.host) : undefined;
}

export class HandshakeGate {
  private readonly limits: HandshakeLimits;
  private readonly pendingByKey = new Map<string, number>();
  /** Pending connections and the address key each holds a slot of, so each is released once. */
  private readonly pending = new Map<MultiaddrConnection, string>();
  /** Known address keys in the order last seen: the first is forgotten first when the set is full. */
  private readonly known = new Set<string>();

  constructor(knownAddrs: readonly string[] = [], limits: HandshakeLimits = DEFAULT_HANDSHAKE_LIMITS) {
    this.limits = limits;
    for (const addr of knownAddrs) {
      const key = keyOf(multiaddr(addr));
      if (key !== undefined) this.rememberKey(key);
    }
  }

  /** Whether an IP has a history here (for IPv6: any address of its /64). */
  isKnown(ip: string): boolean {
    return this.known.has(addressKey(ip));
  }

  remember(ip: string): void {
    this.rememberKey(addressKey(ip));
  }

  private rememberKey(key: string): void {
    this.known.delete(key);
    this.known.add(key);
    if (this.known.size > this.limits.maxKnownIps) this.known.delete(this.known.values().next().value!);
  }

  /** True refuses the connection before a byte of it is read. */
  denyInbound(maConn: MultiaddrConnection): boolean {
    const key = keyOf(maConn.remoteAddr);
    if (key === undefined) return false;
    const fromKey = this.pendingByKey.get(key) ?? 0;
    if (fromKey >= this.limits.perIp) return true;
    if (this.pending.size >= this.limits.total - this.limits.reservedForKnown && !this.known.has(key))
      return true;
    this.pending.set(maConn, key);
    this.pendingByKey.set(key, fromKey + 1);
    // A handshake that fails or times out ends with the socket's close.
    maConn.addEventListener('close', () => this.release(maConn), { once: true });
    return false;
  }

  private release(maConn: MultiaddrConnection): void {
    const key = this.pending.get(maConn);
    if (key === undefined) return;
    this.pending.delete(maConn);
    const left = (this.pendingByKey.get(key) ?? 1) - 1;
    if (left === 0) this.pendingByKey.delete(key);
    else this.pendingByKey.set(key, left);
  }

  private completed(maConn: MultiaddrConnection): boolean {
    this.release(maConn);
    const key = keyOf(maConn.remoteAddr);
    if (key !== undefined) this.rememberKey(key);
    return false;
  }

  /** The libp2p connection gater that applies this gate. */
  gater(): ConnectionGater {
    return {
      denyInboundConnection: (maConn) => this.denyInbound(maConn),
      denyInboundUpgradedConnection: (_peer, maConn) => this.completed(maConn),
      denyOutboundUpgradedConnection: (_peer, maConn) => this.completed(maConn),
    };
  }
}
