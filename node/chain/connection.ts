// One way for the roles to reach a Solana cluster: a web3.js Connection (HTTP + websocket) and an
// Anchor provider for a URL or cluster name. The same code talks to `splitup ledger` (localnet),
// devnet or mainnet; only the URL changes.
import { AnchorProvider, Wallet } from '@coral-xyz/anchor';
import { type Commitment, Connection, type Keypair } from '@solana/web3.js';
import { SplitUpError } from '../errors.js';
import { ChainErrorCode } from './errors.js';

export const LOCALNET_URL = 'http://127.0.0.1:8899';
export const CLUSTER_URLS = {
  localnet: LOCALNET_URL,
  devnet: 'https://api.devnet.solana.com',
  testnet: 'https://api.testnet.solana.com',
  mainnet: 'https://api.mainnet-beta.solana.com',
  'mainnet-beta': 'https://api.mainnet-beta.solana.com',
} as const;
export type ClusterName = keyof typeof CLUSTER_URLS;

/** `confirmed` is what Anchor and most apps wait for; the local ledger finalizes at once anyway. */
export const DEFAULT_COMMITMENT: Commitment = 'confirmed';

export interface ConnectionOptions {
  /** Websocket endpoint; defaults to web3.js's rule (the RPC port + 1, or the same host without a port). */
  wsUrl?: string;
  commitment?: Commitment;
}

/** A cluster name (localnet, devnet, testnet, mainnet) or an http(s) URL; undefined means localnet. */
export function resolveClusterUrl(urlOrName?: string): string {
  if (urlOrName === undefined || urlOrName === '') return LOCALNET_URL;
  if (Object.hasOwn(CLUSTER_URLS, urlOrName)) return CLUSTER_URLS[urlOrName as ClusterName];
  let url: URL;
  try {
    url = new URL(urlOrName);
  } catch {
    throw new SplitUpError(
      ChainErrorCode.BAD_URL,
      `'${urlOrName}' is neither a cluster name (${Object.keys(CLUSTER_URLS).join(', ')}) nor an http(s) URL`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new SplitUpError(
      ChainErrorCode.BAD_URL,
      `RPC URL must be http or https, got ${url.protocol} in '${urlOrName}'`,
    );
  }
  return urlOrName;
}

export function createConnection(urlOrName?: string, options: ConnectionOptions = {}): Connection {
  return new Connection(resolveClusterUrl(urlOrName), {
    commitment: options.commitment ?? DEFAULT_COMMITMENT,
    ...(options.wsUrl ? { wsEndpoint: options.wsUrl } : {}),
  });
}

/** An Anchor provider that signs with `payer` and confirms at the connection's commitment. */
export function createProvider(connection: Connection, payer: Keypair): AnchorProvider {
  const commitment = connection.commitment ?? DEFAULT_COMMITMENT;
  return new AnchorProvider(connection, new Wallet(payer), { commitment, preflightCommitment: commitment });
}
