// Registry of CLI commands: add one import and one entry per command file.
import type { Command } from '../command.js';
import { keysGenerateCommand, keysShowCommand } from './keys.js';

export const commands: Command[] = [keysGenerateCommand, keysShowCommand];
