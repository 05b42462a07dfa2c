// Who may start a handshake with this peer. libp2p caps the inbound handshakes in progress, their
// duration and their rate per address, but a few addresses holding silent sockets can still take
// every slot. This gate adds what libp2p lacks: a cap per IP, and a reserve of slots that only IPs
// with a history may take (the bootstrap list, and any IP a connection completed with, in either
// direction: a silent socket never completes one). Installed as the node's connection gater.
import type { ConnectionGater, MultiaddrConnection } from '@libp2p/interface';
import { getNetConfig, isNetworkAddress } from '@libp2p/utils';
import { type Multiaddr, multiaddr } from '@multiformats/multiaddr';
import {
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

/** The IP of an address, or undefined for one without (memory transport, unix socket, DNS name). */
function ipOf(addr: Multiaddr): string | undefined {
  if (!isNetworkAddress(addr)) return undefined;
  const config = getNetConfig(addr);
  return config.type === 'ip4' || config.type === 'ip6' ? config.host : undefined;
}

export class HandshakeGate {
  private readonly limits: HandshakeLimits;
  private readonly pendingByIp = new Map<string, number>();
  /** Pending connections and the IP each holds a slot of, so each is released once. */
  private readonly pending = new Map<MultiaddrConnection, string>();
  /** Known IPs in the order last seen: the first is forgotten first when the set is full. */
  private readonly known = new Set<string>();

  constructor(knownAddrs: readonly string[] = [], limits: HandshakeLimits = DEFAULT_HANDSHAKE_LIMITS) {
    this.limits = limits;
    for (const addr of knownAddrs) {
      const ip = ipOf(multiaddr(addr));
      if (ip !== undefined) this.remember(ip);
    }
  }

  isKnown(ip: string): boolean {
    return this.known.has(ip);
  }

  remember(ip: string): void {
    this.known.delete(ip);
    this.known.add(ip);
    if (this.known.size > this.limits.maxKnownIps) this.known.delete(this.known.values().next().value!);
  }

  /** True refuses the connection before a byte of it is read. */
  denyInbound(maConn: MultiaddrConnection): boolean {
    const ip = ipOf(maConn.remoteAddr);
    if (ip === undefined) return false;
    const fromIp = this.pendingByIp.get(ip) ?? 0;
    if (fromIp >= this.limits.perIp) return true;
    if (this.pending.size >= this.limits.total - this.limits.reservedForKnown && !this.isKnown(ip))
      return true;
    this.pending.set(maConn, ip);
    this.pendingByIp.set(ip, fromIp + 1);
    // A handshake that fails or times out ends with the socket's close.
    maConn.addEventListener('close', () => this.release(maConn), { once: true });
    return false;
  }

  private release(maConn: MultiaddrConnection): void {
    const ip = this.pending.get(maConn);
    if (ip === undefined) return;
    this.pending.delete(maConn);
    const left = (this.pendingByIp.get(ip) ?? 1) - 1;
    if (left === 0) this.pendingByIp.delete(ip);
    else this.pendingByIp.set(ip, left);
  }

  private completed(maConn: MultiaddrConnection): boolean {
    this.release(maConn);
    const ip = ipOf(maConn.remoteAddr);
    if (ip !== undefined) this.remember(ip);
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
