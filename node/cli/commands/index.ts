// Registry of CLI commands: add one import and one entry per command file.
import type { Command } from '../command.js';
import { deployCommand } from './deploy.js';
import { keysGenerateCommand, keysShowCommand } from './keys.js';
import { ledgerCommand } from './ledger.js';
import { runCommand } from './run.js';

export const commands: Command[] = [deployCommand, keysGenerateCommand, keysShowCommand, ledgerCommand, runCommand];
