// Registry of CLI commands: one entry per command, its module loaded only when it runs, so
// `splitup node start` never pays for the Solana client and `splitup ledger` never for libp2p.
import type { CommandEntry } from '../command.js';

export const commands: CommandEntry[] = [
  {
    path: ['demo'],
    summary: 'run a local network: deploy a real model, 3 workers, 1 client, check the result',
    load: async () => (await import('./demo.js')).demoCommand,
  },
  {
    path: ['deploy'],
    summary: 'split an ONNX model into tasks under a VRAM target and write the task bundle',
    load: async () => (await import('./deploy.js')).deployCommand,
  },
  {
    path: ['infer'],
    summary: 'run one inference across the worker peers named in a plan',
    load: async () => (await import('./infer.js')).inferCommand,
  },
  {
    path: ['keys', 'generate'],
    summary: 'create a keypair file (one ed25519 key: PeerId and Solana address)',
    load: async () => (await import('./keys.js')).keysGenerateCommand,
  },
  {
    path: ['keys', 'show'],
    summary: "print a keypair file's PeerId and Solana address",
    load: async () => (await import('./keys.js')).keysShowCommand,
  },
  {
    path: ['ledger'],
    summary: 'serve a local Solana ledger (litesvm) over JSON-RPC for many processes',
    load: async () => (await import('./ledger.js')).ledgerCommand,
  },
  {
    path: ['node', 'start'],
    summary: 'run a peer (worker, oracle or client) until interrupted',
    load: async () => (await import('./node-start.js')).nodeStartCommand,
  },
  {
    path: ['run'],
    summary: 'run a task bundle locally on .npy inputs (optionally check it against the unsplit model)',
    load: async () => (await import('./run.js')).runCommand,
  },
];
