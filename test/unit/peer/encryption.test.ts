import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import type { Libp2p } from '@libp2p/interface';
import { connect, createLoopbackNode, type LoopbackNodeOptions } from '../../support/loopback-libp2p.js';

const ECHO = '/splitup/test-echo/1.0.0';

/** Sends `payload` through an echo stream from `from` to `to` and returns what came back. */
async function echo(from: Libp2p, to: Libp2p, payload: Uint8Array): Promise<Buffer> {
  await to.handle(ECHO, async (stream) => {
    for await (const chunk of stream) if (!stream.send(chunk)) await stream.onDrain();
    await stream.close();
  });
  const stream = await from.dialProtocol(to.peerId, ECHO);
  const echoed: Buffer[] = [];
  const reading = (async () => {
    for await (const chunk of stream)
      echoed.push(Buffer.from(chunk instanceof Uint8Array ? chunk : chunk.subarray()));
  })();
  if (!stream.send(payload)) await stream.onDrain();
  await stream.close();
  await reading;
  return Buffer.concat(echoed);
}

const cases: { name: string; dialer: LoopbackNodeOptions; listener: LoopbackNodeOptions; expect: string }[] =
  [
    { name: 'two default peers agree on TLS', dialer: {}, listener: {}, expect: '/tls/1.0.0' },
    {
      name: 'a default peer dials a noise-only peer over noise',
      dialer: {},
      listener: { encrypter: 'noise' },
      expect: '/noise',
    },
    {
      name: 'a noise-only peer dials a default peer over noise',
      dialer: { encrypter: 'noise' },
      listener: {},
      expect: '/noise',
    },
  ];

describe('connection encryption', () => {
  for (const c of cases) {
    it(`${c.name}, and carries 3 MiB intact`, async () => {
      const dialer = await createLoopbackNode(c.dialer);
      const listener = await createLoopbackNode(c.listener);
      try {
        const connection = await connect(dialer, listener);
        assert.equal(connection.encryption, c.expect);
        assert.ok(connection.remotePeer.equals(listener.peerId), 'the channel authenticates the listener');
        const payload = new Uint8Array(randomBytes(3 * 1024 * 1024 + 17));
        assert.ok((await echo(dialer, listener, payload)).equals(payload));
      } finally {
        await dialer.stop();
        await listener.stop();
      }
    });
  }
});
