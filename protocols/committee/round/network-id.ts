// The 32 bytes that name a network in observations and votes, so none replays on another network.
import { createHash } from 'node:crypto';
import { NETWORK_ID_DOMAIN } from './constants.js';

export function networkIdOf(networkName: string): Uint8Array {
  return new Uint8Array(
    createHash('sha256').update(NETWORK_ID_DOMAIN).update('\0').update(networkName).digest(),
  );
}
