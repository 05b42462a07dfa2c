import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Keypair } from '@solana/web3.js';
import {
  CLUSTER_URLS,
  createConnection,
  createProvider,
  LOCALNET_URL,
  resolveClusterUrl,
} from '../../../node/chain/connection.js';
import { isCodedError } from '../../../node/errors.js';

test('cluster names and URLs resolve; nothing means the local ledger', () => {
  assert.equal(resolveClusterUrl(), LOCALNET_URL);
  assert.equal(resolveClusterUrl('localnet'), 'http://127.0.0.1:8899');
  assert.equal(resolveClusterUrl('devnet'), CLUSTER_URLS.devnet);
  assert.equal(resolveClusterUrl('mainnet'), 'https://api.mainnet-beta.solana.com');
  assert.equal(resolveClusterUrl('https://rpc.example.com/key'), 'https://rpc.example.com/key');
});

test('anything else is CHAIN_BAD_URL', () => {
  for (const bad of ['devnett', 'ws://127.0.0.1:8900', 'toString']) {
    assert.throws(
      () => resolveClusterUrl(bad),
      (err: unknown) => isCodedError(err, 'CHAIN_BAD_URL') || (bad === 'toString' && isCodedError(err)),
      bad,
    );
  }
});

test('a connection carries the URL and commitment; the provider signs with the payer', () => {
  const connection = createConnection('devnet', { commitment: 'finalized' });
  assert.equal(connection.rpcEndpoint, CLUSTER_URLS.devnet);
  assert.equal(connection.commitment, 'finalized');
  assert.equal(createConnection().commitment, 'confirmed');
  const payer = Keypair.generate();
  const provider = createProvider(connection, payer);
  assert.equal(provider.wallet.publicKey.toBase58(), payer.publicKey.toBase58());
  assert.equal(provider.opts.commitment, 'finalized');
});
