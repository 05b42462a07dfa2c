// The DHT key oracles provide under: a CIDv1 (raw codec) of sha256("/splitup/committee/1/<network>").
// Every peer of one network derives the same key; different networks never collide.
import { CID } from 'multiformats/cid';
import * as raw from 'multiformats/codecs/raw';
import { sha256 } from 'multiformats/hashes/sha2';
import { COMMITTEE_KEY_PREFIX, NETWORK_NAME_PATTERN } from './constants.js';
import { CommitteeError } from './errors.js';

function checkNetworkName(network: string): void {
  if (!NETWORK_NAME_PATTERN.test(network)) {
    throw new CommitteeError(
      'COMMITTEE_BAD_NETWORK_NAME',
      `network name '${network}' must match ${NETWORK_NAME_PATTERN} (lowercase letters, digits, '.', '-', '_')`,
    );
  }
}

export async function committeeKey(network: string): Promise<CID> {
  checkNetworkName(network);
  const digest = await sha256.digest(new TextEncoder().encode(`${COMMITTEE_KEY_PREFIX}${network}`));
  return CID.createV1(raw.code, digest);
}
