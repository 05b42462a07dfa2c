// `splitup ledger` deploys our committed program through the real upgradeable loader at startup;
// a separate process then drives it over RPC with the anchor client, as it would on devnet.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { PublicKey, Transaction } from '@solana/web3.js';
import { createConnection, createProvider } from '../../node/chain/connection.js';
import { readSolanaKeypair } from '../../programs/ledger/keypair-file.js';
import {
  configAddress,
  DEFAULT_PROTOCOL_PARAMS,
  decodeConfig,
  initializeIx,
  nodeAddress,
  registerNodeIx,
  SPLITUP_PROGRAM_ID,
  splitupErrorName,
  splitupProgram,
} from '../../programs/splitup/client/index.js';
import { type LedgerProcess, startLedgerProcess } from './ledger-process.js';

const UPGRADEABLE_LOADER = 'BPFLoaderUpgradeab1e11111111111111111111111';

let ledger: LedgerProcess;

before(async () => {
  ledger = await startLedgerProcess();
});

after(async () => {
  await ledger?.stop();
});

test('the ledger deploys our program at startup and prints its id', async () => {
  assert.equal(ledger.ready.programId, SPLITUP_PROGRAM_ID.toBase58());
  const connection = createConnection(ledger.ready.rpcUrl, { wsUrl: ledger.ready.wsUrl });
  const account = await connection.getAccountInfo(SPLITUP_PROGRAM_ID);
  assert.ok(account);
  assert.equal(account.executable, true);
  assert.equal(account.owner.toBase58(), UPGRADEABLE_LOADER);
});

test('initialize and register_node run on the deployed program over RPC; anchor reads the accounts back', async () => {
  const connection = createConnection(ledger.ready.rpcUrl, { wsUrl: ledger.ready.wsUrl });
  const admin = await readSolanaKeypair(ledger.ready.keys[0]?.path ?? '');
  const worker = await readSolanaKeypair(ledger.ready.keys[1]?.path ?? '');
  const mint = new PublicKey(ledger.ready.mint);
  const adminProvider = createProvider(connection, admin);
  // Local key 0 is the program's upgrade authority; any other key is refused (over RPC too).
  const workerInit = await initializeIx({
    admin: worker.publicKey,
    mint,
    committee: [worker.publicKey],
    params: DEFAULT_PROTOCOL_PARAMS,
  });
  let refused: string | undefined;
  try {
    await createProvider(connection, worker).sendAndConfirm(new Transaction().add(workerInit));
  } catch (err) {
    refused = splitupErrorName(err);
  }
  assert.equal(refused, 'NotUpgradeAuthority');
  const init = await initializeIx({
    admin: admin.publicKey,
    mint,
    committee: [admin.publicKey],
    params: DEFAULT_PROTOCOL_PARAMS,
  });
  const initSig = await adminProvider.sendAndConfirm(new Transaction().add(init));
  const initTx = await connection.getTransaction(initSig, { maxSupportedTransactionVersion: 0 });
  assert.equal(initTx?.meta?.err, null);
  assert.ok(
    initTx?.meta?.logMessages?.some((l) => l.startsWith(`Program ${SPLITUP_PROGRAM_ID.toBase58()} success`)),
  );

  const configInfo = await connection.getAccountInfo(configAddress());
  assert.ok(configInfo);
  const config = decodeConfig(configInfo.data);
  assert.equal(config.mint.toBase58(), mint.toBase58());
  assert.equal(config.admin.toBase58(), admin.publicKey.toBase58());

  const workerProvider = createProvider(connection, worker);
  await workerProvider.sendAndConfirm(new Transaction().add(await registerNodeIx(worker.publicKey)));
  // Anchor's .all() is getProgramAccounts with a memcmp filter on the account discriminator.
  const nodes = await splitupProgram(workerProvider).account.node.all();
  assert.deepEqual(
    nodes.map((n) => n.publicKey.toBase58()),
    [nodeAddress(worker.publicKey).toBase58()],
  );
});
