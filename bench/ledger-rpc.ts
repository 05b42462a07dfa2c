// Throughput of `splitup ledger`: SOL transfers per second through the JSON-RPC server (HTTP
// sendTransaction with preflight, as web3.js sends them) and through the bank directly, against
// the baseline of the same transactions given straight to litesvm, all measured in this run.
// Usage: node --import tsx bench/ledger-rpc.ts [transactions per mode, default 200]
import '../node/runtime/polyfills.js';
import { createPrivateKey, sign } from 'node:crypto';
import { address, getTransactionDecoder, lamports } from '@solana/kit';
import { Keypair, LAMPORTS_PER_SOL, PublicKey, SystemProgram, Transaction } from '@solana/web3.js';
import { LiteSVM } from 'litesvm';
import { LedgerBank } from '../programs/ledger/bank.js';
import { startLedgerServer } from '../programs/ledger/server.js';

const N = Number(process.argv[2] ?? 200);
/** PKCS#8 DER prefix of a raw 32-byte ed25519 seed: native signing keeps setup time out of the way. */
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

const payer = Keypair.generate();
const signingKey = createPrivateKey({
  key: Buffer.concat([ED25519_PKCS8_PREFIX, payer.secretKey.subarray(0, 32)]),
  format: 'der',
  type: 'pkcs8',
});

function transfers(blockhash: string, count: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0; i < count; i++) {
    const tx = new Transaction({ feePayer: payer.publicKey, recentBlockhash: blockhash }).add(
      SystemProgram.transfer({
        fromPubkey: payer.publicKey,
        toPubkey: new PublicKey(Keypair.generate().publicKey),
        lamports: 1_000_000,
      }),
    );
    const message = tx.serializeMessage();
    tx.addSignature(payer.publicKey, sign(null, message, signingKey));
    out.push(tx.serialize());
  }
  return out;
}

function rate(label: string, count: number, ms: number): number {
  const perSecond = (count / ms) * 1000;
  console.log(
    `${label.padEnd(44)} ${perSecond.toFixed(0).padStart(7)} tx/s  (${(ms / count).toFixed(2)} ms/tx)`,
  );
  return perSecond;
}

// Baseline: litesvm alone (decode + execute), no history, meta, events or preflight.
const svm = new LiteSVM();
svm.airdrop(address(payer.publicKey.toBase58()), lamports(1000n * BigInt(LAMPORTS_PER_SOL)));
const decoder = getTransactionDecoder();
const raw = transfers(svm.latestBlockhash(), N);
let t = performance.now();
for (const wire of raw) svm.sendTransaction(decoder.decode(wire));
const baseline = rate('litesvm sendTransaction (baseline)', N, performance.now() - t);

const bank = new LedgerBank({ slotIntervalMs: 0 });
bank.fund(payer.publicKey.toBase58(), 1000n * BigInt(LAMPORTS_PER_SOL));
const direct = transfers(bank.latestBlockhash().blockhash, N);
t = performance.now();
for (const wire of direct) bank.sendTransaction(wire);
const bankRate = rate('ledger bank, preflight + history + meta', N, performance.now() - t);

const server = await startLedgerServer(bank, { host: '127.0.0.1', port: 0 });
const overRpc = transfers(bank.latestBlockhash().blockhash, N);
t = performance.now();
for (const wire of overRpc) {
  const res = await fetch(server.rpcUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'sendTransaction',
      params: [Buffer.from(wire).toString('base64'), { encoding: 'base64' }],
    }),
  });
  const reply = (await res.json()) as { error?: unknown };
  if (reply.error) throw new Error(`sendTransaction failed: ${JSON.stringify(reply.error)}`);
}
const rpcRate = rate('JSON-RPC over HTTP, one at a time', N, performance.now() - t);
await server.close();
bank.close();

console.log(`ratio bank / baseline:     ${(bankRate / baseline).toFixed(2)}`);
console.log(`ratio JSON-RPC / baseline: ${(rpcRate / baseline).toFixed(2)}`);
