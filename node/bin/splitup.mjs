#!/usr/bin/env node
// Entry of the `splitup` binary: registers the TypeScript loader, then runs the CLI.
import { register } from 'tsx/esm/api';

register();
await import('../runtime/polyfills.ts');
const { main } = await import('../cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
