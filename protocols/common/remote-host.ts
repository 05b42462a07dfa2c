// The IP a peer is reached at over libp2p: a direct data channel (plain TCP beside the libp2p
// connection) dials the same host, so it goes nowhere the peer did not already connect from.
import type { Multiaddr } from '@multiformats/multiaddr';

/** The IP of the first connection's remote address (ip4 or ip6), if any. */
export function remoteHost(connections: ReadonlyArray<{ remoteAddr: Multiaddr }>): string | undefined {
  for (const connection of connections) {
    const ip = connection.remoteAddr.getComponents().find((c) => c.name === 'ip4' || c.name === 'ip6');
    if (ip?.value !== undefined) return ip.value;
  }
  return undefined;
}
