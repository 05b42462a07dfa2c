// Starts a whole local ledger: bank, chain setup (mint, funded keys, program) and RPC server.
import { LedgerBank } from './bank.js';
import { readSolanaKeypair } from './keypair-file.js';
import { type LocalnetSetup, type LocalnetSetupOptions, setupLocalnet } from './localnet-setup.js';
import { bindLedgerPorts } from './ports.js';
import { deployProgramFile, findProgramKeypair } from './program-deploy.js';
import { type LedgerServer, type LedgerServerOptions, startLedgerServer } from './server.js';

export interface LocalLedgerOptions extends LedgerServerOptions, LocalnetSetupOptions {
  /** Program .so to deploy at startup, and its keypair file (found next to the .so when omitted). */
  program?: { soPath: string; keypairPath?: string };
  slotIntervalMs?: number;
}

export interface LocalLedger {
  bank: LedgerBank;
  server: LedgerServer;
  setup: LocalnetSetup;
  programId: string | null;
  close(): Promise<void>;
}

export async function startLocalLedger(options: LocalLedgerOptions): Promise<LocalLedger> {
  // Ports first: a taken port must fail before any key file is written.
  const ports = await bindLedgerPorts(options);
  const bank = new LedgerBank(
    options.slotIntervalMs === undefined ? {} : { slotIntervalMs: options.slotIntervalMs },
  );
  try {
    const setup = await setupLocalnet(bank, options);
    // Local key 0 (else the mint authority) is the program's upgrade authority: it may initialize.
    const upgradeAuthority = await readSolanaKeypair(setup.keys[0]?.path ?? setup.mintAuthority.path);
    const programId = options.program
      ? await deployProgramFile(
          bank,
          options.program.soPath,
          options.program.keypairPath ?? findProgramKeypair(options.program.soPath),
          upgradeAuthority,
        )
      : null;
    const server = await startLedgerServer(bank, { ...options, ports });
    return {
      bank,
      server,
      setup,
      programId,
      async close() {
        await server.close();
        bank.close();
      },
    };
  } catch (err) {
    bank.close();
    await ports.close();
    throw err;
  }
}
