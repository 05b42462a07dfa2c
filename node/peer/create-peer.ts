// Builds the SplitUp libp2p node from a plain config. Composable: transports, encryption and
// muxers are injectable (the memory transport for simulations, a faster noise crypto), and callers
// add their own services next to the built-in ones (identify, ping, pubsub, dht).
import '../runtime/polyfills.js';
import { type GossipSub, type GossipsubOpts, gossipsub } from '@libp2p/gossipsub';
import { type Identify, identify } from '@libp2p/identify';
import type {
  ConnectionEncrypter,
  Libp2p,
  PeerInfo,
  PrivateKey,
  ServiceMap,
  StreamMuxerFactory,
  Transport,
} from '@libp2p/interface';
import { type KadDHT, type KadDHTInit, kadDHT } from '@libp2p/kad-dht';
import { noise } from '@libp2p/noise';
import { type Ping, ping } from '@libp2p/ping';
import { tcp } from '@libp2p/tcp';
import { tls } from '@libp2p/tls';
import { yamux } from '@libp2p/yamux';
import { createLibp2p, type Libp2pInit, type ServiceFactoryMap } from 'libp2p';
import {
  DEFAULT_LISTEN,
  DHT_PROTOCOL,
  GOSSIP_MESH_HEARTBEAT_MS,
  INBOUND_CONNECTIONS_PER_IP_PER_S,
  INBOUND_HANDSHAKE_TIMEOUT_MS,
  MAX_CONNECTIONS,
  MAX_PENDING_HANDSHAKES,
} from './constants.js';
import { HandshakeGate } from './handshake-gate.js';

/** Services every SplitUp peer has. Protocols find them by these names in their components. */
export interface BaseServices extends ServiceMap {
  identify: Identify;
  ping: Ping;
  pubsub: GossipSub;
  dht: KadDHT;
}

/** libp2p does not export its Components type; derive it from the init options. */
type Components = Parameters<NonNullable<Libp2pInit['transports']>[number]>[0];
type ComponentFactory<T> = (components: Components) => T;

/** Factories of extra services: their components include libp2p's, the base services and each other. */
export type ExtraServiceFactories<Extra extends ServiceMap> = {
  [K in keyof Extra]: (components: Components & BaseServices & Extra) => Extra[K];
};

export interface CreatePeerOptions<Extra extends ServiceMap = Record<never, never>> {
  /** The node's ed25519 key: its PeerId (and Solana address). */
  privateKey: PrivateKey;
  /** Multiaddrs to listen on; defaults to loopback TCP with a free port. */
  listen?: string[];
  /** Transports; defaults to TCP. Simulations pass `[memory()]` from @libp2p/memory. */
  transports?: ComponentFactory<Transport>[];
  /** Connection encrypters; defaults to `defaultEncrypters()`. */
  connectionEncrypters?: ComponentFactory<ConnectionEncrypter>[];
  /** Stream muxers; defaults to yamux. */
  streamMuxers?: ComponentFactory<StreamMuxerFactory>[];
  /** Extra gossipsub options merged over ours. */
  gossip?: Partial<GossipsubOpts>;
  /** Extra kad-dht options merged over ours. */
  dht?: Partial<KadDHTInit>;
  /** Additional services (e.g. heartbeat, tensor stream). Their components include the base services. */
  services?: ExtraServiceFactories<Extra>;
  /**
   * Multiaddrs of peers with a history (the bootstrap list): their IPs may take the handshake
   * slots kept for known peers when strangers hold the others (node/peer/handshake-gate.ts).
   */
  knownAddrs?: string[];
  /** Start listening immediately (default true). */
  start?: boolean;
}

export type SplitUpPeer<Extra extends ServiceMap = Record<never, never>> = Libp2p<BaseServices & Extra>;

/**
 * TLS 1.3 first, noise second. Both are libp2p-standard secure channels; the dialer offers them in
 * this order. TLS moves bulk bytes about 2.5x faster here (OpenSSL's record layer and AES-GCM in
 * native code, against noise's per-64 KiB-message framing in JS; bench/tensor-stream.ts), and
 * noise stays for peers that only speak noise.
 */
export function defaultEncrypters(): ComponentFactory<ConnectionEncrypter>[] {
  return [tls(), noise()];
}

/** The default kad-dht mapper drops private addresses, which makes a loopback network unreachable. */
export function keepAllAddresses(peer: PeerInfo): PeerInfo {
  return peer;
}

export async function createPeer<Extra extends ServiceMap = Record<never, never>>(
  options: CreatePeerOptions<Extra>,
): Promise<SplitUpPeer<Extra>> {
  const base: ServiceFactoryMap<BaseServices> = {
    identify: identify(),
    ping: ping(),
    pubsub: gossipsub({
      // A lone first peer (the first oracle) must still be able to publish.
      allowPublishToZeroTopicPeers: true,
      ignoreDuplicatePublishError: true,
      heartbeatInterval: GOSSIP_MESH_HEARTBEAT_MS,
      ...options.gossip,
    }) as unknown as (components: Components) => GossipSub,
    dht: kadDHT({
      protocol: DHT_PROTOCOL,
      clientMode: false,
      peerInfoMapper: keepAllAddresses,
      ...options.dht,
    }) as unknown as (components: Components) => KadDHT,
  };
  const services = { ...base, ...(options.services ?? {}) } as ServiceFactoryMap<BaseServices & Extra>;
  return createLibp2p<BaseServices & Extra>({
    privateKey: options.privateKey,
    start: options.start ?? true,
    addresses: { listen: options.listen ?? [DEFAULT_LISTEN] },
    // TCP socket options stay at their defaults, on purpose: the 2 min inactivity timeout only
    // matters after the handshake (yamux pings every 30 s); server.maxConnections and
    // closeServerOnMaxConnections drop a socket before the handshake gate can tell a known peer from
    // a stranger; Lodestar's backlog of 5 would drop a legitimate SYN in a burst for a 1 s retransmit.
    transports: options.transports ?? [tcp()],
    connectionEncrypters: options.connectionEncrypters ?? defaultEncrypters(),
    streamMuxers: options.streamMuxers ?? [yamux()],
    // No peerDiscovery modules: no mDNS, no public bootstrap list. Peers are dialed explicitly.
    peerDiscovery: [],
    connectionManager: {
      maxConnections: MAX_CONNECTIONS,
      inboundUpgradeTimeout: INBOUND_HANDSHAKE_TIMEOUT_MS,
      maxIncomingPendingConnections: MAX_PENDING_HANDSHAKES,
      inboundConnectionThreshold: INBOUND_CONNECTIONS_PER_IP_PER_S,
    },
    // Per-IP handshake caps and the reserve for known peers: what libp2p's limits above lack.
    connectionGater: new HandshakeGate(options.knownAddrs).gater(),
    services,
  });
}
