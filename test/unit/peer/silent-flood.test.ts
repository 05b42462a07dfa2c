// Issue 15, finding 1: 200 TCP sockets that send nothing must not lock new peers out of a peer.
// Real peers from the peer's own factory on real TCP; the flood comes from several loopback
// addresses (127.0.0.x) and re-opens every socket the peer drops, so the pressure lasts.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { generateKeyPair } from '@libp2p/crypto/keys';
import { getNetConfig } from '@libp2p/utils';
import { INBOUND_HANDSHAKE_TIMEOUT_MS } from '../../../node/peer/constants.js';
import { createPeer, type SplitUpPeer } from '../../../node/peer/create-peer.js';
import {
  loopbackSources,
  peerAtAddress,
  type SilentFlood,
  startSilentFlood,
} from '../../support/silent-flood.js';

const FLOOD_SOCKETS = 200;
/** A dial on idle loopback takes tens of ms; this bound is generous for two shared cores. */
const DIAL_BOUND_MS = 5_000;
/** Time the flood gets to take every slot it can before legitimate peers dial. */
const FLOOD_SETTLE_MS = 500;
/** Timer and scheduling slack on top of the handshake timeout before a held socket counts as kept. */
const DROP_SLACK_MS = 1_000;

async function pingWithin(from: SplitUpPeer, to: SplitUpPeer): Promise<number> {
  return from.services.ping.ping(to.getMultiaddrs()[0]!, { signal: AbortSignal.timeout(DIAL_BOUND_MS) });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('a silent flood from a few addresses', () => {
  let target: SplitUpPeer;
  let existing: SplitUpPeer;
  let flood: SilentFlood | undefined;

  before(async () => {
    target = await createPeer({ privateKey: await generateKeyPair('Ed25519') });
    existing = await peerAtAddress('127.0.0.1');
    await pingWithin(existing, target);
  });

  after(async () => {
    flood?.stop();
    await existing.stop();
    await target.stop();
  });

  it('lets a new peer connect, keeps existing connections, and drops silent sockets in time', async () => {
    const port = getNetConfig(target.getMultiaddrs()[0]!).port!;
    flood = startSilentFlood({
      host: '127.0.0.1',
      port,
      sockets: FLOOD_SOCKETS,
      sources: loopbackSources(1, 4),
    });
    await sleep(FLOOD_SETTLE_MS);
    assert.ok(flood.open() > 0, 'the peer holds some silent sockets');

    const newcomer = await peerAtAddress('127.0.0.10');
    try {
      await pingWithin(newcomer, target);
    } finally {
      await newcomer.stop();
    }
    await pingWithin(existing, target);
    const existingConnections = existing.getConnections(target.peerId);
    assert.equal(existingConnections.length, 1, 'the existing connection survives the flood');

    await sleep(INBOUND_HANDSHAKE_TIMEOUT_MS + DROP_SLACK_MS);
    const bound = INBOUND_HANDSHAKE_TIMEOUT_MS + DROP_SLACK_MS;
    assert.ok(flood.oldestOpenMs() <= bound, `no silent socket stays past ${bound} ms`);
    const longest = Math.max(...flood.heldMs);
    assert.ok(
      longest <= bound,
      `the peer dropped every silent socket within ${bound} ms (longest ${longest})`,
    );
    assert.ok(longest >= INBOUND_HANDSHAKE_TIMEOUT_MS - DROP_SLACK_MS, 'some were held until the timeout');
  });
});

describe('a silent flood from many addresses', () => {
  let target: SplitUpPeer;
  let flood: SilentFlood | undefined;
  const BOOTSTRAP_IP = '127.0.0.60';

  before(async () => {
    target = await createPeer({
      privateKey: await generateKeyPair('Ed25519'),
      knownAddrs: [`/ip4/${BOOTSTRAP_IP}/tcp/4001`],
    });
  });

  after(async () => {
    flood?.stop();
    await target.stop();
  });

  it('keeps slots for the bootstrap and for peers that connected before, while strangers are refused', async () => {
    // A peer with a history: it connected once, then hung up.
    const returning = await peerAtAddress('127.0.0.50');
    await pingWithin(returning, target);
    await returning.hangUp(target.peerId);

    const port = getNetConfig(target.getMultiaddrs()[0]!).port!;
    // 40 addresses x 4 slots each is more than the slots strangers share.
    flood = startSilentFlood({
      host: '127.0.0.1',
      port,
      sockets: FLOOD_SOCKETS,
      sources: loopbackSources(2, 40),
    });
    await sleep(FLOOD_SETTLE_MS);

    const fromBootstrap = await peerAtAddress(BOOTSTRAP_IP);
    const stranger = await peerAtAddress('127.0.0.70');
    try {
      await pingWithin(returning, target);
      await pingWithin(fromBootstrap, target);
      await assert.rejects(pingWithin(stranger, target), 'strangers share a bounded number of slots');
    } finally {
      await Promise.all([returning.stop(), fromBootstrap.stop(), stranger.stop()]);
    }
  });
});
