// Minimal real libp2p nodes (TCP on 127.0.0.1 + noise + yamux) for tests and benchmarks of
// protocols/ and storage/ that must not depend on the peer's full node factory.
import '../../node/runtime/polyfills.js';
import { type NoiseInit, noise } from '@libp2p/noise';
import { tcp } from '@libp2p/tcp';
import { tls } from '@libp2p/tls';
import { yamux } from '@libp2p/yamux';
import { createLibp2p, type Libp2p } from 'libp2p';
import { defaultEncrypters } from '../../node/peer/create-peer.js';

export interface LoopbackNodeOptions {
  /** Noise options, e.g. `{ crypto: fastNoiseCrypto }`. */
  noise?: NoiseInit;
  /** Which connection encrypters to offer: the peer's default (TLS, then noise), or only one. */
  encrypter?: 'default' | 'noise' | 'tls';
  /** Yamux options (window sizes, message size). */
  yamux?: Parameters<typeof yamux>[0];
  // biome-ignore lint/suspicious/noExplicitAny: libp2p service factories are heterogeneous by design
  services?: Record<string, (components: any) => unknown>;
}

export async function createLoopbackNode(options: LoopbackNodeOptions = {}): Promise<Libp2p> {
  return createLibp2p({
    addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
    transports: [tcp()],
    connectionEncrypters:
      options.encrypter === 'tls'
        ? [tls()]
        : options.encrypter === 'noise' || options.noise !== undefined
          ? [noise(options.noise)]
          : defaultEncrypters(),
    streamMuxers: [yamux(options.yamux)],
    services: options.services ?? {},
  }) as Promise<Libp2p>;
}

/** Dials `b` from `a` and returns the connection. */
export async function connect(a: Libp2p, b: Libp2p) {
  return a.dial(b.getMultiaddrs()[0]!, { signal: AbortSignal.timeout(10_000) });
}
