// `splitup keys generate` and `splitup keys show`: the ed25519 key that is both the libp2p PeerId
// and the Solana address, stored in the Solana CLI keypair format.
import { SplitUpError } from '../../errors.js';
import { generateIdentity, type Identity } from '../../identity/identity.js';
import { readKeypairFile, writeKeypairFile } from '../../identity/keypair-file.js';
import type { CliIo, Command } from '../command.js';
import { CliErrorCode } from '../errors.js';
import { parseCliArgs } from '../parse-args.js';

function parseKeyArgs(args: string[], usage: string, allowForce: boolean) {
  const { values } = parseCliArgs(
    {
      args,
      options: {
        keypair: { type: 'string' },
        json: { type: 'boolean' },
        force: { type: 'boolean' },
      },
      strict: true,
    },
    usage,
  );
  if (values.force && !allowForce)
    throw new SplitUpError(CliErrorCode.BAD_ARGS, `unknown option '--force'\n\n${usage}`);
  if (!values.keypair)
    throw new SplitUpError(CliErrorCode.BAD_ARGS, `--keypair <file> is required\n\n${usage}`);
  return { keypair: values.keypair, json: values.json === true, force: values.force === true };
}

function printIdentity(io: CliIo, identity: Identity, keypair: string, json: boolean): void {
  if (json) {
    io.out(JSON.stringify({ peerId: identity.peerId.toString(), address: identity.address, keypair }));
    return;
  }
  io.out(`peer id:        ${identity.peerId.toString()}`);
  io.out(`solana address: ${identity.address}`);
  io.out(`keypair file:   ${keypair}`);
}

const generateUsage = `Usage: splitup keys generate --keypair <file> [--force] [--json]

Creates a new ed25519 keypair in the Solana CLI format (JSON array of 64 bytes: seed, public key).
The same key is the node's libp2p PeerId and its Solana address. Refuses to overwrite a file
unless --force is given.`;

export const keysGenerateCommand: Command = {
  path: ['keys', 'generate'],
  usage: generateUsage,
  async run(args, io) {
    const opts = parseKeyArgs(args, generateUsage, true);
    const identity = await generateIdentity();
    await writeKeypairFile(opts.keypair, identity, opts.force);
    printIdentity(io, identity, opts.keypair, opts.json);
    return 0;
  },
};

const showUsage = `Usage: splitup keys show --keypair <file> [--json]

Prints the libp2p PeerId and the Solana address (base58) of a keypair file.`;

export const keysShowCommand: Command = {
  path: ['keys', 'show'],
  usage: showUsage,
  async run(args, io) {
    const opts = parseKeyArgs(args, showUsage, false);
    printIdentity(io, await readKeypairFile(opts.keypair), opts.keypair, opts.json);
    return 0;
  },
};
