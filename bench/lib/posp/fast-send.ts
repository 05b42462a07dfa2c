// The harness's sendInstructions, minus what costs the simulation most per transaction: web3.js
// signs with a JS ed25519 and re-verifies every signature while serializing (~20 ms an instance
// between them). Here node:crypto signs and LiteSVM alone verifies, natively, as it always does.
import { createPrivateKey, sign } from 'node:crypto';
import { getTransactionDecoder } from '@solana/kit';
import { type Keypair, Transaction, type TransactionInstruction } from '@solana/web3.js';
import { FailedTransactionMetadata, type LiteSVM } from 'litesvm';
import { RuntimeError, RuntimeErrorCode } from '../../../programs/runtime/errors.js';

/** The fixed PKCS#8 prefix of an ed25519 private key; the 32-byte seed follows. */
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const keyObjects = new WeakMap<Keypair, ReturnType<typeof createPrivateKey>>();

function privateKeyOf(k: Keypair) {
  let key = keyObjects.get(k);
  if (!key) {
    const der = Buffer.concat([PKCS8_ED25519_PREFIX, k.secretKey.subarray(0, 32)]);
    key = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
    keyObjects.set(k, key);
  }
  return key;
}

const decoder = getTransactionDecoder();

/** Sends one transaction (first signer pays) with a fresh blockhash; throws RuntimeError when it fails. */
export function sendFast(svm: LiteSVM, ixs: TransactionInstruction[], signers: Keypair[]): void {
  svm.expireBlockhash();
  const tx = new Transaction();
  tx.add(...ixs);
  tx.feePayer = signers[0]!.publicKey;
  tx.recentBlockhash = svm.latestBlockhash();
  const message = tx.serializeMessage();
  for (const s of signers) tx.addSignature(s.publicKey, sign(null, message, privateKeyOf(s)));
  const result = svm.sendTransaction(decoder.decode(tx.serialize({ verifySignatures: false })));
  if (result instanceof FailedTransactionMetadata) {
    const logs = result.meta().logs();
    throw new RuntimeError(
      RuntimeErrorCode.TX_FAILED,
      `transaction failed: ${String(result.err())}\n${logs.join('\n')}`,
      {
        runtimeError: String(result.err()),
        logs,
      },
    );
  }
}
