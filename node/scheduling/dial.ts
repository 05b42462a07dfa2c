// Reaching a peer named by a PeerRef: remember its addresses, then let libp2p dial by PeerId.
import type { Libp2p, PeerId } from '@libp2p/interface';
import { peerIdFromString } from '@libp2p/peer-id';
import { multiaddr } from '@multiformats/multiaddr';
import type { PeerRef } from '../../protocols/execution/index.js';

export async function knownPeer(node: Pick<Libp2p, 'peerStore'>, ref: PeerRef): Promise<PeerId> {
  const id = peerIdFromString(ref.peer);
  if (ref.addrs.length > 0)
    await node.peerStore.merge(id, { multiaddrs: ref.addrs.map((a) => multiaddr(a)) });
  return id;
}

/** This node as others should reach it. */
export function selfRef(node: Pick<Libp2p, 'peerId' | 'getMultiaddrs'>): PeerRef {
  return {
    peer: node.peerId.toString(),
    addrs: node
      .getMultiaddrs()
      .map((a) => a.toString())
      .map((a) => a.replace(/\/p2p\/[^/]+$/, '')),
  };
}
