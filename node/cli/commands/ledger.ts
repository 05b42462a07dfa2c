// `splitup ledger`: a local Solana ledger (litesvm behind Solana's JSON-RPC + websocket API) that
// separate processes share, with a token mint, funded local keys and our program deployed.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { PublicKey } from '@solana/web3.js';
import { DEFAULT_RPC_HOST, DEFAULT_RPC_PORT } from '../../../programs/ledger/constants.js';
import { LedgerErrorCode } from '../../../programs/ledger/errors.js';
import { findDefaultProgram } from '../../../programs/ledger/program-deploy.js';
import { startLocalLedger } from '../../../programs/ledger/start-ledger.js';
import { SplitUpError } from '../../errors.js';
import type { CliIo, Command } from '../command.js';

const DEFAULT_KEYS_DIR = '.splitup/ledger';
const DEFAULT_KEY_COUNT = 4;
const DEFAULT_MINT_DECIMALS = 6;
const DEFAULT_SOL_PER_KEY = 100n;
const DEFAULT_TOKENS_PER_KEY = 1_000_000n;
const LAMPORTS_PER_SOL = 1_000_000_000n;
const MAX_MINT_DECIMALS = 18;
const MAX_KEYS = 64;

const usage = `Usage: splitup ledger [options]

Serves a local Solana ledger (the real Agave runtime via litesvm) over JSON-RPC and websocket,
so separate processes share one chain. At startup it deploys our program, creates a token mint
and funded local keys, prints one JSON line (rpc/ws urls, mint, program id, key paths), then
serves until SIGINT/SIGTERM. State is in memory only: a restart begins a fresh chain.

Options:
  --port <n>            RPC port (default ${DEFAULT_RPC_PORT}); the websocket uses port + 1;
                        0 picks a free pair of adjacent ports
  --host <addr>         listen address (default ${DEFAULT_RPC_HOST})
  --ws-port <n>         websocket port (default port + 1, as web3.js expects)
  --mint-decimals <n>   decimals of the token mint (default ${DEFAULT_MINT_DECIMALS})
  --keys <n>            number of funded local keys (default ${DEFAULT_KEY_COUNT})
  --keys-dir <dir>      where key files go; existing ones are reused (default ${DEFAULT_KEYS_DIR})
  --fund <pubkey>       also fund this pubkey with SOL and tokens (repeatable, or comma-separated)
  --sol <n>             SOL per funded key (default ${DEFAULT_SOL_PER_KEY})
  --tokens <n>          whole tokens per funded key (default ${DEFAULT_TOKENS_PER_KEY})
  --program <so>        program to deploy (default: our committed programs/splitup/dist/splitup.so)
  --program-keypair <f> its keypair (default: program-keypair.json beside or above the .so)
  --no-program          deploy no program`;

function integerOption(value: string | undefined, name: string, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0 || n > max) {
    throw new SplitUpError(
      LedgerErrorCode.BAD_OPTION,
      `--${name} must be an integer from 0 to ${max}, got '${value}'`,
    );
  }
  return n;
}

function bigintOption(value: string | undefined, name: string, fallback: bigint): bigint {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value))
    throw new SplitUpError(LedgerErrorCode.BAD_OPTION, `--${name} must be a whole number, got '${value}'`);
  return BigInt(value);
}

function pubkeys(values: readonly string[]): string[] {
  return values
    .flatMap((v) => v.split(','))
    .filter((v) => v.length > 0)
    .map((v) => {
      try {
        return new PublicKey(v).toBase58();
      } catch {
        throw new SplitUpError(LedgerErrorCode.BAD_OPTION, `--fund expects base58 public keys, got '${v}'`);
      }
    });
}

function waitForSignal(): Promise<string> {
  return new Promise((resolveSignal) => {
    const onSignal = (signal: string) => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      resolveSignal(signal);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}

export const ledgerCommand: Command = {
  path: ['ledger'],
  usage,
  async run(args: string[], io: CliIo): Promise<number> {
    let values: ReturnType<typeof parse>['values'];
    try {
      values = parse(args).values;
    } catch (err) {
      throw new SplitUpError(LedgerErrorCode.BAD_OPTION, `${(err as Error).message}\n\n${usage}`);
    }
    const port = integerOption(values.port, 'port', DEFAULT_RPC_PORT, 65535);
    const decimals = integerOption(
      values['mint-decimals'],
      'mint-decimals',
      DEFAULT_MINT_DECIMALS,
      MAX_MINT_DECIMALS,
    );
    const soPath = values['no-program'] ? undefined : (values.program ?? findDefaultProgram());
    const ledger = await startLocalLedger({
      host: values.host ?? DEFAULT_RPC_HOST,
      port,
      ...(values['ws-port'] !== undefined
        ? { wsPort: integerOption(values['ws-port'], 'ws-port', 0, 65535) }
        : {}),
      keysDir: resolve(values['keys-dir'] ?? DEFAULT_KEYS_DIR),
      keyCount: integerOption(values.keys, 'keys', DEFAULT_KEY_COUNT, MAX_KEYS),
      mintDecimals: decimals,
      lamportsPerKey: bigintOption(values.sol, 'sol', DEFAULT_SOL_PER_KEY) * LAMPORTS_PER_SOL,
      tokensPerKey: bigintOption(values.tokens, 'tokens', DEFAULT_TOKENS_PER_KEY) * 10n ** BigInt(decimals),
      fund: pubkeys(values.fund ?? []),
      ...(soPath
        ? {
            program: {
              soPath,
              ...(values['program-keypair'] ? { keypairPath: values['program-keypair'] } : {}),
            },
          }
        : {}),
      onInternalError: (err) =>
        io.err(`ledger: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`),
    });
    io.out(
      JSON.stringify({
        event: 'ready',
        rpcUrl: ledger.server.rpcUrl,
        wsUrl: ledger.server.wsUrl,
        programId: ledger.programId,
        mint: ledger.setup.mint,
        mintDecimals: ledger.setup.mintDecimals,
        mintAuthority: ledger.setup.mintAuthority,
        keys: ledger.setup.keys,
        funded: ledger.setup.funded,
      }),
    );
    const signal = await waitForSignal();
    await ledger.close();
    io.out(JSON.stringify({ event: 'stopped', signal, slot: ledger.bank.slot }));
    return 0;
  },
};

function parse(args: string[]) {
  return parseArgs({
    args,
    strict: true,
    allowPositionals: false,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      'ws-port': { type: 'string' },
      'mint-decimals': { type: 'string' },
      keys: { type: 'string' },
      'keys-dir': { type: 'string' },
      fund: { type: 'string', multiple: true },
      sol: { type: 'string' },
      tokens: { type: 'string' },
      program: { type: 'string' },
      'program-keypair': { type: 'string' },
      'no-program': { type: 'boolean' },
    },
  });
}
