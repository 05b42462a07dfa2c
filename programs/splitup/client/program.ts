import { AnchorProvider, Program, type Provider, type Wallet } from '@coral-xyz/anchor';
import { Connection, Keypair, PublicKey } from '@solana/web3.js';
import { SplitupClientError, SplitupClientErrorCode } from './errors.js';
import { SPLITUP_IDL, type Splitup } from './generated/splitup.js';

export const SPLITUP_PROGRAM_ID = new PublicKey(SPLITUP_IDL.address);

/** Placeholder endpoint: building instructions and decoding accounts never touch the network. */
const OFFLINE_ENDPOINT = 'http://127.0.0.1:8899';

const noSigner = () =>
  new SplitupClientError(
    SplitupClientErrorCode.NO_SIGNER,
    'the offline SplitUp client does not sign: sign the built transaction, or pass a provider',
  );

class ReadOnlyWallet implements Wallet {
  readonly payer = Keypair.generate();
  readonly publicKey = this.payer.publicKey;
  signTransaction<T>(_tx: T): Promise<T> {
    return Promise.reject(noSigner());
  }
  signAllTransactions<T>(_txs: T[]): Promise<T[]> {
    return Promise.reject(noSigner());
  }
}

/**
 * The @coral-xyz/anchor client of the SplitUp program, built from our generated IDL. Without a
 * provider it can build instructions and decode accounts; pass a provider to use `.rpc()`.
 */
export function splitupProgram(provider?: Provider): Program<Splitup> {
  return new Program<Splitup>(
    SPLITUP_IDL,
    provider ?? new AnchorProvider(new Connection(OFFLINE_ENDPOINT), new ReadOnlyWallet(), {}),
  );
}
