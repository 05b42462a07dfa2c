// In-process SplitUp peers on the memory transport (@libp2p/memory): the full stack of a real
// peer (noise, yamux, identify, ping, gossipsub, kad-dht) without sockets. Shared by sim and unit tests.
import { randomUUID } from 'node:crypto';
import { generateKeyPair } from '@libp2p/crypto/keys';
import type { PrivateKey, ServiceMap } from '@libp2p/interface';
import { memory } from '@libp2p/memory';
import { noise } from '@libp2p/noise';
import {
  type CreatePeerOptions,
  createPeer,
  type ExtraServiceFactories,
  type SplitUpPeer,
} from '../../node/peer/create-peer.js';

export interface MemoryPeerOptions<Extra extends ServiceMap> {
  privateKey?: PrivateKey;
  services?: ExtraServiceFactories<Extra>;
  gossip?: CreatePeerOptions<Extra>['gossip'];
  dht?: CreatePeerOptions<Extra>['dht'];
}

export async function createMemoryPeer<Extra extends ServiceMap = Record<never, never>>(
  options: MemoryPeerOptions<Extra> = {},
): Promise<SplitUpPeer<Extra>> {
  return createPeer<Extra>({
    privateKey: options.privateKey ?? (await generateKeyPair('Ed25519')),
    listen: [`/memory/${randomUUID()}`],
    transports: [memory()],
    // Standard Noise XX with node:crypto primitives: the same wire protocol at a fraction of the CPU.
    connectionEncrypters: [noise()],
    services: options.services,
    gossip: options.gossip,
    dht: options.dht,
  });
}

export async function connect(a: SplitUpPeer<ServiceMap>, b: SplitUpPeer<ServiceMap>): Promise<void> {
  const addr = b.getMultiaddrs()[0];
  if (addr === undefined) throw new Error('peer has no listen address');
  await a.dial(addr);
}

/** Resolves once `check()` is true, polling; rejects with `what` after `timeoutMs`. */
export async function waitFor(
  check: () => boolean,
  timeoutMs: number,
  what: string,
  pollMs = 25,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

export async function stopAll(peers: Array<SplitUpPeer<ServiceMap>>): Promise<void> {
  await Promise.allSettled(peers.map((p) => p.stop()));
}
