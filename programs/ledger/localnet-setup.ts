// What `splitup ledger` puts on a fresh chain: a token mint, funded local keys (SOL + tokens),
// extra funded pubkeys, and optionally our program deployed through the real upgradeable loader.
// Every step is a real transaction through the bank, as a client would send it.
import { join } from 'node:path';
import {
  createAssociatedTokenAccountIdempotentInstruction,
  createInitializeMint2Instruction,
  createMintToInstruction,
  getAssociatedTokenAddressSync,
  MINT_SIZE,
} from '@solana/spl-token';
import {
  type Keypair,
  PublicKey,
  SystemProgram,
  Transaction,
  type TransactionInstruction,
} from '@solana/web3.js';
import type { LedgerBank } from './bank.js';
import { loadOrCreateSolanaKeypair } from './keypair-file.js';

export interface LocalnetSetupOptions {
  keysDir: string;
  keyCount: number;
  mintDecimals: number;
  /** Lamports given to every local key and every --fund pubkey. */
  lamportsPerKey: bigint;
  /** Token base units minted to every local key's and --fund pubkey's associated token account. */
  tokensPerKey: bigint;
  fund: readonly string[];
}

export interface FundedKey {
  pubkey: string;
  tokenAccount: string;
  /** Keypair file, for local keys only. */
  path?: string;
}

export interface LocalnetSetup {
  mint: string;
  mintDecimals: number;
  mintAuthority: { pubkey: string; path: string };
  keys: FundedKey[];
  funded: FundedKey[];
}

/** Lamports for the mint authority, which pays for every setup transaction. */
const AUTHORITY_LAMPORTS = 100n * 1_000_000_000n;

function send(
  bank: LedgerBank,
  payer: Keypair,
  instructions: TransactionInstruction[],
  signers: Keypair[] = [],
): string {
  const tx = new Transaction({
    feePayer: payer.publicKey,
    recentBlockhash: bank.latestBlockhash().blockhash,
  });
  tx.add(...instructions);
  tx.sign(payer, ...signers);
  return bank.sendTransaction(tx.serialize());
}

export function keyPath(keysDir: string, index: number): string {
  return join(keysDir, `key-${index}.json`);
}

export async function setupLocalnet(bank: LedgerBank, options: LocalnetSetupOptions): Promise<LocalnetSetup> {
  const authorityPath = join(options.keysDir, 'mint-authority.json');
  const authority = await loadOrCreateSolanaKeypair(authorityPath);
  // The mint's own keypair is kept too, so the mint address survives a ledger restart.
  const mintKeypair = await loadOrCreateSolanaKeypair(join(options.keysDir, 'mint.json'));
  const mint = mintKeypair.publicKey;
  bank.fund(authority.publicKey.toBase58(), AUTHORITY_LAMPORTS);
  send(
    bank,
    authority,
    [
      SystemProgram.createAccount({
        fromPubkey: authority.publicKey,
        newAccountPubkey: mint,
        lamports: bank.minimumBalanceForRentExemption(MINT_SIZE),
        space: MINT_SIZE,
        programId: new PublicKey('TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA'),
      }),
      createInitializeMint2Instruction(mint, options.mintDecimals, authority.publicKey, null),
    ],
    [mintKeypair],
  );

  const fundOne = (owner: PublicKey): FundedKey => {
    bank.fund(owner.toBase58(), options.lamportsPerKey);
    const tokenAccount = getAssociatedTokenAddressSync(mint, owner, true);
    const instructions = [
      createAssociatedTokenAccountIdempotentInstruction(authority.publicKey, tokenAccount, owner, mint),
    ];
    if (options.tokensPerKey > 0n) {
      instructions.push(
        createMintToInstruction(mint, tokenAccount, authority.publicKey, options.tokensPerKey),
      );
    }
    send(bank, authority, instructions);
    return { pubkey: owner.toBase58(), tokenAccount: tokenAccount.toBase58() };
  };

  const keys: FundedKey[] = [];
  for (let i = 0; i < options.keyCount; i++) {
    const path = keyPath(options.keysDir, i);
    keys.push({ ...fundOne((await loadOrCreateSolanaKeypair(path)).publicKey), path });
  }
  const funded = options.fund.map((pubkey) => fundOne(new PublicKey(pubkey)));
  return {
    mint: mint.toBase58(),
    mintDecimals: options.mintDecimals,
    mintAuthority: { pubkey: authority.publicKey.toBase58(), path: authorityPath },
    keys,
    funded,
  };
}
