// SocketStream: a plain TCP socket behind the stream interface our protocols use. Real sockets on
// loopback; what is checked is the bytes that come out, in order, with none lost.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import net from 'node:net';
import { after, describe, it } from 'node:test';
import { SocketStream } from '../../../../protocols/common/socket-stream.js';
import { StreamReader } from '../../../../protocols/common/stream-reader.js';

const errors = {
  stalled: (ms: number) => new Error(`stalled ${ms}`),
  truncated: (got: number, wanted: number, what: string) => new Error(`truncated ${what} ${got}/${wanted}`),
  aborted: () => new Error('aborted'),
};

describe('socket stream', () => {
  const servers: net.Server[] = [];
  const serve = async (onSocket: (socket: net.Socket) => void): Promise<number> => {
    const server = net.createServer({ allowHalfOpen: true }, onSocket);
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return (server.address() as net.AddressInfo).port;
  };
  const dial = (port: number) => SocketStream.connect('127.0.0.1', port, AbortSignal.timeout(5_000), 5_000);

  after(() => {
    for (const server of servers) server.close();
  });

  it('keeps bytes that arrive before anyone reads, and hands out exact pieces of reused buffers', async () => {
    const payload = randomBytes(3 * 1024 * 1024 + 17);
    const port = await serve((socket) => socket.end(payload));
    const stream = await dial(port);
    await new Promise((r) => setTimeout(r, 50)); // bytes arrive before anyone reads
    const reader = new StreamReader(stream, 2_000, errors);
    // Odd read sizes, so reads end inside the 256 KiB read buffer and the rest must be copied.
    const parts: Uint8Array[] = [];
    for (let at = 0; at < payload.byteLength; ) {
      const n = Math.min(1 + ((at * 7919) % 300_000), payload.byteLength - at);
      parts.push((await reader.readExactly(n, 'piece'))!);
      at += n;
      // Let the socket read again before the next read: what is left must not be overwritten.
      if (parts.length % 2 === 0) await new Promise((r) => setTimeout(r, 1));
    }
    assert.ok(Buffer.concat(parts).equals(payload));
    assert.equal(await reader.readExactly(1, 'end', true), null);
    await stream.close();
  });

  it('stops reading while no read waits: the kernel holds the sender back, not our memory', async () => {
    const payload = randomBytes(48 * 1024 * 1024);
    let server!: net.Socket;
    const port = await serve((socket) => {
      server = socket;
      socket.end(payload);
    });
    const stream = await dial(port);
    const reader = new StreamReader(stream, 5_000, errors);
    const head = (await reader.readExactly(10, 'head'))!;
    await new Promise((r) => setTimeout(r, 300)); // nobody reads for a while
    // Without the pause every byte would have been copied into the reader's queue by now.
    assert.ok(server.writableLength > 8 * 1024 * 1024, `sender still holds ${server.writableLength} bytes`);
    const rest = (await reader.readExactly(payload.byteLength - 10, 'rest'))!;
    assert.ok(Buffer.concat([head, rest]).equals(payload));
    assert.equal(await reader.readExactly(1, 'end', true), null);
    await stream.close();
  });

  it('half-closes: the reply still flows after our end of writing', async () => {
    const port = await serve((socket) => {
      const stream = new SocketStream(socket);
      const hash = createHash('sha256');
      stream.addEventListener('message', (evt) => hash.update(evt.data.subarray()));
      stream.addEventListener('end', () => {
        stream.send(hash.digest());
        void stream.close();
      });
    });
    const stream = await dial(port);
    const reader = new StreamReader(stream, 2_000, errors);
    const payload = randomBytes(3 * 1024 * 1024);
    if (!stream.send(payload)) await stream.onDrain();
    await stream.close();
    const reply = await reader.readExactly(32, 'digest');
    assert.ok(Buffer.from(reply!).equals(createHash('sha256').update(payload).digest()));
  });

  it('close() on a socket the remote already reset fails at once instead of waiting', {
    timeout: 5_000,
  }, async () => {
    const port = await serve((socket) => setTimeout(() => socket.resetAndDestroy(), 20));
    const stream = await dial(port);
    const closed = new Promise((r) => stream.addEventListener('close', r));
    new StreamReader(stream, 2_000, errors); // starts reading, so the reset is seen
    await closed;
    await assert.rejects(stream.close());
    assert.equal(stream.status, 'reset');
  });

  it('an abort resets the socket: the read at the other end fails as a reset, not an end', async () => {
    let serverSide: SocketStream | undefined;
    const port = await serve((socket) => {
      serverSide = new SocketStream(socket);
    });
    const reader = new StreamReader(await dial(port), 2_000, errors);
    while (serverSide === undefined) await new Promise((r) => setTimeout(r, 5));
    const read = reader.readExactly(10, 'never sent');
    serverSide.abort(new Error('gone'));
    await assert.rejects(read, (err: NodeJS.ErrnoException) => err.code === 'ECONNRESET');
    assert.equal(serverSide.status, 'aborted');
  });
});
