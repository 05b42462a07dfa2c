// Registry of CLI commands: add one import and one entry per command file.
import type { Command } from '../command.js';
import { demoCommand } from './demo.js';
import { deployCommand } from './deploy.js';
import { inferCommand } from './infer.js';
import { keysGenerateCommand, keysShowCommand } from './keys.js';
import { ledgerCommand } from './ledger.js';
import { nodeStartCommand } from './node-start.js';
import { runCommand } from './run.js';

export const commands: Command[] = [
  demoCommand,
  deployCommand,
  inferCommand,
  keysGenerateCommand,
  keysShowCommand,
  ledgerCommand,
  nodeStartCommand,
  runCommand,
];
